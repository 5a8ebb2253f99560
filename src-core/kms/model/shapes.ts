/**
 * Typed access to the KMS service model (generated from botocore by `npm run gen:model`).
 * The wire codec and the audit redaction walk requests and responses with it.
 */
import model from './kms-model.json';

export interface Shape {
  type: 'structure' | 'list' | 'map' | 'string' | 'blob' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'double' | 'float';
  required?: string[];
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  sensitive?: boolean;
  exception?: boolean;
}

export interface OperationShape {
  input?: string;
  output?: string;
  errors: string[];
}

const shapes = model.shapes as unknown as Record<string, Shape>;
const operations = model.operations as Record<string, OperationShape>;

export const OPERATION_NAMES: readonly string[] = Object.keys(operations).sort();

export function operationShape(name: string): OperationShape | undefined {
  return Object.prototype.hasOwnProperty.call(operations, name) ? operations[name] : undefined;
}

export function shape(name: string): Shape {
  const s = shapes[name];
  if (!s) throw new Error(`KMS model has no shape ${name}`);
  return s;
}

/** Enum values of a named shape, e.g. enumValues('KeySpec'). */
export function enumValues(name: string): readonly string[] {
  return shape(name).enum ?? [];
}
