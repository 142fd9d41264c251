/**
 * The certificates a local control plane needs, made with the openssl CLI: one CA that signs the
 * apiserver's serving certificate and the client certificates, plus the key pair that signs
 * service-account tokens. ECDSA P-256 keys keep generation instant.
 */
import fs from 'node:fs';
import path from 'node:path';

import { run } from './process.ts';

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  apiserverCert: string;
  apiserverKey: string;
  adminCert: string;
  adminKey: string;
  controllerManagerCert: string;
  controllerManagerKey: string;
  frontProxyClientCert: string;
  frontProxyClientKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

/** The first address of --service-cluster-ip-range: what in-cluster clients reach as `kubernetes.default.svc`. */
export const kubernetesServiceIp = '10.0.0.1';

const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const days = ['-days', '3650'];

/** Where the PKI under `dir` lives, without creating anything. */
export function pkiFiles(dir: string): Pki {
  const file = (name: string): string => path.join(dir, name);
  return {
    dir,
    caCert: file('ca.crt'),
    caKey: file('ca.key'),
    apiserverCert: file('apiserver.crt'),
    apiserverKey: file('apiserver.key'),
    adminCert: file('admin.crt'),
    adminKey: file('admin.key'),
    controllerManagerCert: file('controller-manager.crt'),
    controllerManagerKey: file('controller-manager.key'),
    frontProxyClientCert: file('front-proxy-client.crt'),
    frontProxyClientKey: file('front-proxy-client.key'),
    serviceAccountKey: file('sa.key'),
    serviceAccountPub: file('sa.pub'),
  };
}

/** Creates the PKI under `dir` unless a previous call already did; returns the file paths. */
export async function ensurePki(dir: string): Promise<Pki> {
  const pki = pkiFiles(dir);
  // The service-account public key is written last, so its presence means the set is complete.
  if (fs.existsSync(pki.serviceAccountPub)) return pki;
  fs.mkdirSync(dir, { recursive: true });

  await openssl([
    'req',
    '-x509',
    ...curve,
    ...days,
    '-keyout',
    pki.caKey,
    '-out',
    pki.caCert,
    '-subj',
    '/CN=recall-local-ca',
  ]);
  await signed(pki, pki.apiserverCert, pki.apiserverKey, '/CN=kube-apiserver', [
    'extendedKeyUsage=serverAuth',
    `subjectAltName=${[
      'IP:127.0.0.1',
      `IP:${kubernetesServiceIp}`,
      'DNS:localhost',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster.local',
    ].join(',')}`,
  ]);
  // system:masters bypasses RBAC entirely: the admin of a throwaway cluster.
  await signed(pki, pki.adminCert, pki.adminKey, '/O=system:masters/CN=admin', ['extendedKeyUsage=clientAuth']);
  // The built-in RBAC bindings grant this exact user name what the controller-manager needs.
  await signed(pki, pki.controllerManagerCert, pki.controllerManagerKey, '/CN=system:kube-controller-manager', [
    'extendedKeyUsage=clientAuth',
  ]);
  // What the apiserver presents when it proxies to aggregated APIs; its request-header CA
  // configuration is also what delegating servers (the controller-manager) expect to find.
  await signed(pki, pki.frontProxyClientCert, pki.frontProxyClientKey, '/CN=front-proxy-client', [
    'extendedKeyUsage=clientAuth',
  ]);
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', pki.serviceAccountKey]);
  await openssl(['pkey', '-in', pki.serviceAccountKey, '-pubout', '-out', pki.serviceAccountPub]);
  return pki;
}

async function signed(pki: Pki, cert: string, key: string, subject: string, extensions: string[]): Promise<void> {
  await openssl([
    'req',
    '-x509',
    ...curve,
    ...days,
    '-CA',
    pki.caCert,
    '-CAkey',
    pki.caKey,
    '-keyout',
    key,
    '-out',
    cert,
    '-subj',
    subject,
    '-addext',
    'basicConstraints=critical,CA:FALSE',
    '-addext',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    ...extensions.flatMap((extension) => ['-addext', extension]),
  ]);
}

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args);
}
