import { useEffect, useRef, useState } from 'react';
import { Link } from './components/link';
import { AdminTokensPage } from './pages/admin-tokens.page';
import { AuditPage } from './pages/audit.page';
import { OverviewPage } from './pages/overview.page';
import { ProvidersPage } from './pages/providers.page';
import { RequestsPage } from './pages/requests.page';
import { SignInPage } from './pages/sign-in.page';
import { PlansPage } from './pages/plans/plans.page';
import { TenantPage } from './pages/tenant/tenant.page';
import { TenantsPage } from './pages/tenants.page';
import { UsagePage } from './pages/usage.page';
import { type Route, useRoute } from './session/route';
import { type Session, restoreSession, signOut } from './session/session';

interface NavItem {
  label: string;
  route: Route;
  /** Platform-wide pages a tenant admin's token cannot read (the API would answer 403). */
  platformOnly?: true;
}

const NAV: NavItem[] = [
  { label: 'Overview', route: { page: 'overview' } },
  { label: 'Tenants and keys', route: { page: 'tenants' } },
  { label: 'Providers and models', route: { page: 'providers' }, platformOnly: true },
  { label: 'Plans', route: { page: 'plans' }, platformOnly: true },
  { label: 'Usage and statements', route: { page: 'usage' } },
  { label: 'Request log', route: { page: 'requests' } },
  { label: 'Audit log', route: { page: 'audit' } },
  { label: 'Admin tokens', route: { page: 'admin-tokens' }, platformOnly: true },
];

export function App() {
  const [session, setSession] = useState<Session | undefined>(restoreSession);
  // Why the console signed out by itself (a 401: the token was revoked or expired), for the sign-in page.
  const [signedOutBecause, setSignedOutBecause] = useState<string>();
  const [route, navigate] = useRoute();
  const main = useRef<HTMLElement>(null);
  // A page change moves focus to the new page's content, as a full page load would for a screen reader.
  // Signing in lands there too, not on the body.
  useEffect(() => main.current?.focus(), [route, session]);
  useEffect(() => {
    if (!session) return;
    session.client.onUnauthorized = (message) => {
      signOut();
      setSignedOutBecause(`Signed out: the API no longer accepts this token (${message}). Sign in with a valid token.`);
      setSession(undefined);
    };
  }, [session]);

  if (!session)
    return (
      <SignInPage
        notice={signedOutBecause}
        onSignedIn={(s) => {
          setSignedOutBecause(undefined);
          setSession(s);
        }}
      />
    );
  const shown = session.tenantId && route.page === 'tenants' ? ({ page: 'tenant', tenantId: session.tenantId } as const) : route;
  return (
    <>
      <a className="skip" href="#content">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Switchyard</span>
        <nav aria-label="Console">
          <ul>
            {NAV.filter((n) => !(n.platformOnly && session.tenantId)).map((n) => (
              <li key={n.label}>
                <Link route={n.route} navigate={navigate} current={n.route.page === route.page || (n.route.page === 'tenants' && route.page === 'tenant')}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">{session.tenantId ? `tenant admin: ${session.tenantId}` : session.readOnly ? 'admin (read-only)' : 'admin'}</span>
        <button
          type="button"
          onClick={() => {
            signOut();
            setSession(undefined);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="content" ref={main} tabIndex={-1}>
        <Page route={shown} session={session} navigate={navigate} />
      </main>
    </>
  );
}

function Page({ route, session, navigate }: { route: Route; session: Session; navigate(route: Route): void }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage session={session} />;
    case 'tenants':
      return <TenantsPage session={session} navigate={navigate} />;
    case 'tenant':
      return <TenantPage key={route.tenantId} session={session} tenantId={route.tenantId} />;
    case 'providers':
      return <ProvidersPage session={session} />;
    case 'plans':
      return <PlansPage session={session} />;
    case 'admin-tokens':
      return <AdminTokensPage session={session} />;
    case 'usage':
      return <UsagePage session={session} />;
    case 'requests':
      return <RequestsPage session={session} />;
    case 'audit':
      return <AuditPage session={session} />;
    case 'not-found':
      return (
        <section aria-labelledby="not-found-title">
          <h1 id="not-found-title">Page not found</h1>
          <p>
            The console has no page at <code>{route.path}</code>.{' '}
            <Link route={{ page: 'overview' }} navigate={navigate}>
              Go to the overview
            </Link>
            .
          </p>
        </section>
      );
  }
}
