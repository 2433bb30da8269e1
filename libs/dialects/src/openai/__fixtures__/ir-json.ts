import { Dialect, ErrorKind, FinishReason, Reasoning_Effort, ResponseFormat_Type, Role, ToolChoice_Mode } from '@switchyard/ir';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Golden IR files spell enums by name ("ROLE_USER", not 1) so a reviewer can read them. The
// keys below are the only IR fields of enum type; `type` is ResponseFormat.type.
const ENUMS: Record<string, Record<string | number, string | number>> = {
  role: Role,
  mode: ToolChoice_Mode,
  type: ResponseFormat_Type,
  effort: Reasoning_Effort,
  dialect: Dialect,
  reason: FinishReason,
  kind: ErrorKind,
};

export function readFixture(name: string): string {
  return readFileSync(join(__dirname, name), 'utf8');
}

export function readJsonFixture(name: string): unknown {
  return JSON.parse(readFixture(name));
}

/** The value as plain JSON with enum names: what a golden `*.ir.json` file holds. */
export function toIrJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      const e = ENUMS[key];
      if (!e || typeof v !== 'number') return v;
      const name = e[v];
      if (typeof name !== 'string') throw new Error(`${key}: ${v} is not a known enum value`);
      return name;
    }),
  );
}
