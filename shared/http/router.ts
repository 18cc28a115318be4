import { MethodNotAllowedError, RouteNotFoundError } from '../errors';

/** One route: a method and an exact path, with a name for logs. */
export interface Route<H> {
  name: string;
  method: string;
  path: string;
  handle: H;
}

/** Exact-match routing. Unknown paths get 404; known paths with another method get 405. */
export function createRouter<H>(routes: ReadonlyArray<Route<H>>): (method: string, path: string) => Route<H> {
  return (method, path) => {
    const normalised = path.length > 1 ? path.replace(/\/+$/, '') : path;
    const onPath = routes.filter((r) => r.path === normalised);
    if (onPath.length === 0) throw new RouteNotFoundError(path);
    const route = onPath.find((r) => r.method === method) ?? (method === 'HEAD' ? onPath.find((r) => r.method === 'GET') : undefined);
    if (!route) {
      const allowed = onPath.map((r) => r.method);
      throw new MethodNotAllowedError(method, allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed);
    }
    return route;
  };
}
