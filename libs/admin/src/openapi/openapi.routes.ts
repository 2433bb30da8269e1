import { z } from 'zod';
import { adminRoute } from '../http/admin-route';

export const getOpenApi = adminRoute({
  method: 'GET',
  path: '/openapi.json',
  operationId: 'getOpenApi',
  summary: 'This document',
  description: 'Needs the admin token like every other route: a disabled admin API reveals nothing.',
  tag: 'meta',
  status: 200,
  response: z.looseObject({ openapi: z.string(), paths: z.record(z.string(), z.unknown()) }),
});
