import { strict as assert } from 'assert';
import { Static, Type } from '@sinclair/typebox';
import { experimentSchema } from '../../src/config/schema';
import { validator } from '../../src/config/validate';
import { registry } from '../../src/registry';
import { componentRef, enumOf, options } from '../../src/registry/options';

describe('option schemas (TypeBox)', () => {
  const schema = options({
    units: Type.Integer({ minimum: 1 }),
    activation: enumOf(['linear', 'relu'] as const, { default: 'linear' }),
    strides: Type.Optional(Type.Integer()),
  });

  it('requires in JSON only what has neither a default nor Type.Optional, and closes the object', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(schema)), {
      additionalProperties: false,
      type: 'object',
      required: ['units'],
      properties: {
        units: { type: 'integer', minimum: 1 },
        activation: { enum: ['linear', 'relu'], default: 'linear' },
        strides: { type: 'integer' },
      },
    });
    assert.equal((JSON.parse(JSON.stringify(options({ a: Type.Number({ default: 1 }) }))) as { required?: string[] }).required, undefined);
  });

  it('types a defaulted option as present and a Type.Optional one as possibly absent', () => {
    const complete: Static<typeof schema> = { units: 3, activation: 'relu' };
    // @ts-expect-error a defaulted option is present in the type: ajv's useDefaults has filled it in
    const missingDefault: Static<typeof schema> = { units: 3 };
    // @ts-expect-error the enum's values are the type
    const wrongEnum: Static<typeof schema> = { units: 3, activation: 'tanh' };
    assert.ok(complete && missingDefault && wrongEnum);
  });

  it('validates with ajv as it is, filling defaults and returning the typed value', () => {
    const check = validator(schema);
    const result = check({ units: 4 });
    assert.ok(result.valid);
    assert.deepEqual(result.value, { units: 4, activation: 'linear' });
    const bad = check({ units: 0, colour: 'red' });
    assert.ok(!bad.valid);
    assert.deepEqual(bad.issues.map((i) => i.keys.join('.')).sort(), ['colour', 'units']);
  });

  it('refers to another kind through $defs, which the experiment schema holds for every kind', () => {
    assert.deepEqual(JSON.parse(JSON.stringify(componentRef('initializers', { default: 'zeros' }))), {
      $ref: '#/$defs/initializers',
      default: 'zeros',
    });
    const defs = experimentSchema().$defs as Record<string, unknown>;
    for (const [key, kind] of Object.entries(registry)) {
      assert.equal(kind.kind, key, `registry.${key} must be constructed with kind "${key}" (its $defs name)`);
      assert.deepEqual(defs[key], kind.referenceSchema());
    }
  });

  it('puts every placed kind where it says it is written, so a new kind needs no edit to the experiment schema', () => {
    const properties = (schema: unknown, at: string): unknown =>
      at.split('.').reduce((node: unknown, key) => (node as { properties: Record<string, unknown> }).properties[key], schema);
    const placed = Object.values(registry).flatMap((kind) => ('placement' in kind ? [[kind.kind, kind.placement] as const] : []));
    assert.deepEqual(
      placed.map(([kind, p]) => `${kind}@${p.at}`),
      [
        'layers@model.layers',
        'optimizers@training.optimizer',
        'schedules@training.schedule',
        'losses@training.loss',
        'metrics@training.metrics',
        'sources@data.source',
        'stages@data.stages',
        'evaluation@evaluation',
        'steps@steps',
      ],
    );
    for (const [, placement] of placed) assert.equal(properties(experimentSchema(), placement.at), placement.setting);
  });
});
