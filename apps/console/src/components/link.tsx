import type { MouseEvent, ReactNode } from 'react';
import { type Route, hrefOf } from '../session/route';

/** A real link (it opens in a new tab, and Enter follows it) that navigates in-app on a plain click. */
export function Link({ route, navigate, children, current }: { route: Route; navigate(route: Route): void; children: ReactNode; current?: boolean }) {
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(route);
  };
  return (
    <a href={hrefOf(route)} onClick={onClick} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}
