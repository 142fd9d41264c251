import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RawRecord } from './dataset-source.ts';
import { rappelconsoV2Source } from './rappelconso-v2-source.ts';
import { validateRecord } from './validate-record.ts';
import { RAPPELCONSO_V2_SAMPLE } from '../../test/real-data.ts';

const SAMPLE = RAPPELCONSO_V2_SAMPLE;

function realV2Records(): RawRecord[] {
  return (JSON.parse(fs.readFileSync(SAMPLE, 'utf8')) as { recalls: RawRecord[] }).recalls;
}

describe('rappelconso-v2-gtin-espaces mapping', () => {
  it('maps all 19 real v2 records to valid canonical records', () => {
    const records = realV2Records();
    expect(records).toHaveLength(19);
    for (const raw of records) {
      const result = validateRecord(rappelconsoV2Source, raw);
      if (!result.valid) throw new Error(`${String(raw.numero_fiche)}: ${result.reason}`);
      expect(result.record.reference_fiche).toBe(raw.numero_fiche);
      expect(result.record.rappelguid).toBe(raw.rappel_guid);
    }
  });

  it('renames the v2 fields and rebuilds the v1 forms of publication day and marketing period', () => {
    const raw = realV2Records().find((record) => record.numero_fiche === '2026-08-0195')!;
    const result = validateRecord(rappelconsoV2Source, raw);
    expect(result.valid).toBe(true);
    if (!result.valid) return;
    expect(result.record).toMatchObject({
      reference_fiche: '2026-08-0195',
      ndeg_de_version: 1,
      nature_juridique_du_rappel: 'volontaire (sans arrêté préfectoral)',
      categorie_de_produit: 'alimentation',
      sous_categorie_de_produit: "produits de la pêche et d'aquaculture",
      nom_de_la_marque_du_produit: 'sans marque',
      noms_des_modeles_ou_references: 'crevettes entières cuites vrac vannamei - equateur - 30/50',
      identification_des_produits: '3700156938352$621711$date limite de consommation$2026-08-17',
      conditionnements: '2kg sous atmosphère modifiée',
      date_debut_fin_de_commercialisation: 'Du 05/08/2026 au 01/09/2026',
      temperature_de_conservation: 'produit à conserver au réfrigérateur',
      marque_de_salubrite: 'fr62474100ce',
      motif_du_rappel: 'présence listéria monocytogènes',
      risques_encourus_par_le_consommateur: 'listeria monocytogenes (agent responsable de la listériose)',
      numero_de_contact: '0177490870',
      lien_vers_la_fiche_rappel: 'https://rappel.conso.gouv.fr/fiche-rappel/23305/interne',
      rappelguid: 'd40f244c-a83f-443f-b14c-0a14478fb3ef',
      date_de_publication: '2026-08-21',
    });
  });

  it('takes identification_produits flat, as the live API returns it', () => {
    const raw = { ...realV2Records()[0]!, identification_produits: '3700156938352$621711|3700156938353$621712' };
    expect(rappelconsoV2Source.toCanonical(raw).identification_des_produits).toBe(
      '3700156938352$621711|3700156938353$621712',
    );
  });

  it('dates publication by the day in Paris, where it is published', () => {
    const raw = { ...realV2Records()[0]!, date_publication: '2026-08-20T22:30:00+00:00' };
    expect(rappelconsoV2Source.toCanonical(raw).date_de_publication).toBe('2026-08-21');
  });

  it('writes a one-sided marketing period the way v1 did', () => {
    const base = realV2Records()[0]!;
    const start = { ...base, date_date_fin_commercialisation: null };
    const end = { ...base, date_debut_commercialisation: null };
    const neither = { ...end, date_date_fin_commercialisation: null };
    expect(rappelconsoV2Source.toCanonical(start).date_debut_fin_de_commercialisation).toBe('Depuis le 05/08/2026');
    expect(rappelconsoV2Source.toCanonical(end).date_debut_fin_de_commercialisation).toBe("Jusqu'au 01/09/2026");
    expect(rappelconsoV2Source.toCanonical(neither).date_debut_fin_de_commercialisation).toBeNull();
  });

  it('names the v2 field behind a bad canonical one', () => {
    const raw = { ...realV2Records()[0]!, numero_fiche: null, date_publication: 'hier' };
    const result = validateRecord(rappelconsoV2Source, raw);
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.reason).toContain('reference_fiche (from numero_fiche)=null');
    expect(result.reason).toContain(
      'date_de_publication (from date_publication)="hier": expected a date as YYYY-MM-DD',
    );
  });
});
