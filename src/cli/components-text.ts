/** Renders registry contents for `pipeline components`, as text for people or JSON for tools. */
import { registry } from '../registry';
import type { JsonSchema } from '../registry/json-schema';
import type { AnyComponent, Registry } from '../registry/registry';

export function describeComponents(kinds: [string, Registry<AnyComponent>][], json: boolean): string {
  if (json) {
    const data = Object.fromEntries(
      kinds.map(([kind, reg]) => [kind, reg.list().map((c) => ({ name: c.name, description: c.description, options: c.optionsSchema }))]),
    );
    return `${JSON.stringify(data, null, 2)}\n`;
  }
  const lines: string[] = [];
  for (const [kind, reg] of kinds) {
    lines.push(`${kind} — ${reg.description}`);
    for (const component of reg.list()) {
      lines.push(`  ${component.name}: ${component.description}`);
      const required = component.optionsSchema.required ?? [];
      for (const [option, schema] of Object.entries(component.optionsSchema.properties)) {
        const flag = required.includes(option) ? ' (required)' : schema.default !== undefined ? ` = ${JSON.stringify(schema.default)}` : '';
        lines.push(`      ${option}: ${typeText(schema)}${flag}${schema.description ? ` — ${schema.description}` : ''}`);
      }
    }
    lines.push('');
  }
  return `${lines.join('\n')}`;
}

function typeText(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.join(' | ');
  if (schema.$ref) return referencedKind(schema.$ref);
  if (schema.anyOf) return schema.anyOf.map(typeText).join(' | ');
  if (schema.type === 'array' && schema.items) return `${typeText(schema.items)}[]`;
  return `${Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any')}${rangeText(schema)}`;
}

/** Bounds as an interval: [1, 4096] inclusive, (0, 1) exclusive, ∞ where open. */
function rangeText(schema: JsonSchema): string {
  const low = schema.minimum ?? schema.exclusiveMinimum;
  const high = schema.maximum ?? schema.exclusiveMaximum;
  if (low === undefined && high === undefined) return '';
  return ` ${schema.minimum !== undefined ? '[' : '('}${low ?? '-∞'}, ${high ?? '∞'}${schema.maximum !== undefined ? ']' : ')'}`;
}

/** `#/$defs/initializers` → "initializer": a reference to one component of that kind. */
function referencedKind(ref: string): string {
  const kind = Object.values(registry).find((r) => ref === `#/$defs/${r.kind}`);
  return kind?.singular ?? ref;
}
