/**
 * Server-side apply of plain JSON objects, byte for byte. KubernetesObjectApi.patch re-serializes a
 * known kind through client-node's typed models, which silently drop the wire-format keys the
 * models spell differently (`default`, `enum`, `x-kubernetes-validations` in a CRD's schema...). This
 * client sends the JSON it is given, with strict field validation so an unknown field fails.
 */
import {
  HttpMethod,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  ServerConfiguration,
  createConfiguration,
  type KubernetesObject,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

export type RawApply = (object: KubernetesObject, options?: { dryRun?: boolean }) => Promise<void>;

export function rawApplier(config: KubeConfig, fieldManager: string): RawApply {
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new Error('the kubeconfig has no current cluster');
  let body = '';
  const api = new KubernetesObjectApi(
    createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: config },
      promiseMiddleware: [
        {
          pre: (context: RequestContext) => {
            // Discovery requests (GET) pass through untouched.
            if (context.getHttpMethod() !== HttpMethod.PATCH) return Promise.resolve(context);
            const url = new URL(context.getUrl());
            url.searchParams.set('fieldValidation', 'Strict');
            context.setUrl(url.toString());
            context.setBody(body);
            return Promise.resolve(context);
          },
          post: (response: ResponseContext) => Promise.resolve(response),
        },
      ],
    }),
  );
  return async (object, options = {}) => {
    body = JSON.stringify(object);
    await api.patch(
      object,
      undefined,
      options.dryRun ? 'All' : undefined,
      fieldManager,
      true,
      PatchStrategy.ServerSideApply,
    );
  };
}
