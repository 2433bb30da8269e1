import { useEffect, useState } from 'react';

/** The console lives under /console; its pages are client routes below it (the server falls back to index.html). */
export const BASE = '/console';

export type Route =
  | { page: 'overview' }
  | { page: 'tenants' }
  | { page: 'tenant'; tenantId: string }
  | { page: 'providers' }
  | { page: 'plans' }
  | { page: 'admin-tokens' }
  | { page: 'usage' }
  | { page: 'requests' }
  | { page: 'audit' }
  | { page: 'not-found'; path: string };

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'tenants':
      return parts[1] ? { page: 'tenant', tenantId: parts[1] } : { page: 'tenants' };
    case 'providers':
      return { page: 'providers' };
    case 'plans':
      return { page: 'plans' };
    case 'admin-tokens':
      return { page: 'admin-tokens' };
    case 'usage':
      return { page: 'usage' };
    case 'requests':
      return { page: 'requests' };
    case 'audit':
      return { page: 'audit' };
    case undefined:
    case 'overview':
      return { page: 'overview' };
    default:
      return { page: 'not-found', path: pathname };
  }
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'overview':
      return `${BASE}/`;
    case 'not-found':
      return route.path;
    case 'tenant':
      return `${BASE}/tenants/${encodeURIComponent(route.tenantId)}`;
    case 'tenants':
    case 'providers':
    case 'plans':
    case 'admin-tokens':
    case 'usage':
    case 'requests':
    case 'audit':
      return `${BASE}/${route.page}`;
  }
}

/** The current route, following history (back/forward) and in-app links. */
export function useRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(location.pathname));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = (next: Route) => {
    history.pushState(null, '', hrefOf(next));
    setRoute(next);
  };
  return [route, navigate];
}
