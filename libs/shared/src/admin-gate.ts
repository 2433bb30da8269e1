/**
 * The admin API's judgement of a bearer credential, for operator views served outside it (the
 * ingress's routing health and /metrics on the public port): provided by the admin module when
 * it is mounted, so those views take the same named and OIDC tokens (docs/architecture.md,
 * "Admin roles").
 */
export const ADMIN_GATE = Symbol('AdminGate');

/** A refusal in the admin API's error shape. */
export interface AdminGateRefusal {
  status: number;
  body: { error: { type: string; message: string } };
}

export interface AdminGate {
  /** Undefined when the credential may read operator views (platform and read-only admins), else the refusal. */
  admitReader(authorization: string | undefined): Promise<AdminGateRefusal | undefined>;
}
