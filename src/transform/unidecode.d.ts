// The `unidecode` package ships no types: one CommonJS function from text to its ASCII transliteration.
declare module 'unidecode' {
  export default function unidecode(text: string): string;
}
