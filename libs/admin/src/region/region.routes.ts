import { z } from 'zod';
import { adminRoute } from '../http/admin-route';

const deploymentView = z.object({
  deploymentId: z.string(),
  providerId: z.string(),
  usable: z.boolean(),
  reasons: z.array(z.string()).describe('Why it is not usable: `circuit open`, `ejected until …`, `cooling down until …`; empty when usable.'),
});

export const regionReportView = z.object({
  region: z.string().describe("This region's name (server.region or SWITCHYARD_REGION)."),
  ready: z.boolean().describe('What /readyz answers: 200 when true, 503 when false.'),
  reasons: z.array(z.string()).describe('Why the region is not ready; empty when it is.'),
  dependencies: z.array(z.object({ name: z.string(), ready: z.boolean() })).describe("The ingress's own dependencies (in the cluster: its auth and router services)."),
  models: z.object({
    minUsableShare: z.number().describe('region.readiness.minUsableModelShare (0: models never make the region unready).'),
    usableShare: z.number(),
    usable: z.int(),
    total: z.int(),
    list: z.array(z.object({ model: z.string(), usable: z.boolean(), deployments: z.array(deploymentView) })),
  }),
});

export type RegionReportView = z.infer<typeof regionReportView>;

export const getRegion = adminRoute({
  method: 'GET',
  path: '/region',
  operationId: 'getRegion',
  summary: "Whether this region can serve, and why not",
  description:
    "The detailed form of /readyz, which a global load balancer checks: each dependency, and per model whether a deployment is usable now (not open, ejected or cooling down, as this region's router sees it).",
  tag: 'region',
  status: 200,
  response: regionReportView,
});
