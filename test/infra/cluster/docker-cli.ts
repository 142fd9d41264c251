/** The few docker client calls the cluster tier makes, in one place. */
import { run } from '../process.ts';

/** The docker client: DOCKER names another one. */
export function docker(): string {
  return process.env.DOCKER ?? 'docker';
}

/** A label of a local image, or undefined when the image (or the label) is absent. */
export async function imageLabel(image: string, label: string): Promise<string | undefined> {
  const format = `{{ index .Config.Labels ${JSON.stringify(label)} }}`;
  const value = await run(docker(), ['image', 'inspect', '--format', format, image]).catch(() => undefined);
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' || trimmed === '<no value>' ? undefined : trimmed;
}

/** The id of a local image, or undefined when absent. */
export async function imageId(image: string): Promise<string | undefined> {
  const id = await run(docker(), ['image', 'inspect', '--format', '{{.Id}}', image]).catch(() => '');
  return id.trim() || undefined;
}

/** The id of a local image that must exist; `why` says what needs it. */
export async function requireImageId(image: string, why = 'needed here'): Promise<string> {
  const id = await imageId(image);
  if (id === undefined) throw new Error(`images: ${image} is missing (${why})`);
  return id;
}

/**
 * Removes the image a rebuild replaced (now untagged), so that rebuilds do not pile up in Docker's
 * storage. One still used by a container, or as another image's parent, stays.
 */
export async function removeReplaced(previousId: string | undefined, image: string): Promise<void> {
  if (previousId === undefined || previousId === (await imageId(image))) return;
  await run(docker(), ['image', 'rm', previousId]).catch(() => '');
}
