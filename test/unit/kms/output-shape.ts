/**
 * Checks a response's wire JSON against the KMS model's output shape for its operation: every member
 * is one the model names, with the model's type (blobs as base64 text, timestamps as epoch seconds)
 * and enum values, and every required member is there. The engine harness runs it on every response.
 */
import { operationShape, shape } from '../../../src-core/kms/model/shapes';

function check(value: unknown, shapeName: string, path: string, problems: string[]): void {
  const s = shape(shapeName);
  const wrong = (expected: string) => problems.push(`${path} is ${JSON.stringify(value)}, not ${expected} (${shapeName})`);
  switch (s.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return void wrong('an object');
      const members = s.members ?? {};
      for (const [member, v] of Object.entries(value)) {
        if (!Object.prototype.hasOwnProperty.call(members, member)) problems.push(`${path}.${member} is not a member of ${shapeName}`);
        else check(v, members[member]!.shape, `${path}.${member}`, problems);
      }
      for (const member of s.required ?? []) if (!(member in value)) problems.push(`${path}.${member} is required by ${shapeName}`);
      return;
    }
    case 'list':
      if (!Array.isArray(value)) return void wrong('a list');
      value.forEach((item, i) => check(item, s.member!.shape, `${path}[${i}]`, problems));
      return;
    case 'map':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return void wrong('a map');
      for (const [k, v] of Object.entries(value)) check(v, s.value!.shape, `${path}.${k}`, problems);
      return;
    case 'string':
      if (typeof value !== 'string') return void wrong('a string');
      if (s.enum && !s.enum.includes(value)) wrong(`one of ${s.enum.join(', ')}`);
      return;
    case 'blob':
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) wrong('base64 text');
      return;
    case 'timestamp':
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) wrong('a number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') wrong('a boolean');
      return;
  }
}

/** The ways `output` departs from the model's output shape of `operation` (none when it conforms). */
export function outputShapeProblems(operation: string, output: unknown): string[] {
  const op = operationShape(operation);
  if (!op) return [`${operation} is not an operation of the model`];
  const problems: string[] = [];
  if (op.output) check(output, op.output, operation, problems);
  else if (typeof output !== 'object' || output === null || Object.keys(output).length > 0) problems.push(`${operation} has no output in the model, got ${JSON.stringify(output)}`);
  return problems;
}

/** Operations whose responses were checked in this process, for the test that says which were covered. */
export const checkedOperations = new Set<string>();

export function assertOutputShape(operation: string, output: unknown): void {
  const problems = outputShapeProblems(operation, output);
  if (problems.length > 0) throw new Error(`${operation} response does not match the KMS model:\n  ${problems.join('\n  ')}`);
  checkedOperations.add(operation);
}
