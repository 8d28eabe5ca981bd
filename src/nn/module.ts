/**
 * @module `Module`: the base of layers. Finds its parameters and sub-modules by walking its own fields (tensors
 * with `requiresGrad`, modules, and arrays of them), names them by path (`blocks.0.attn.qkv.weight`), switches
 * train/eval mode recursively, and saves / loads a state dict (safetensors-ready).
 */
import { createError } from '../core/errors.js';
import type { TensorMap } from './safetensors.js';
import { Tensor } from './tensor.js';

export abstract class Module {
  /** Dropout and similar layers act only in training mode. */
  training = true;

  /** Direct sub-modules by field name (array elements as `name.i`). */
  namedChildren(): Array<[string, Module]> {
    const out: Array<[string, Module]> = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value)) value.forEach((v, i) => { if (v instanceof Module) out.push([`${key}.${i}`, v]); });
    }
    return out;
  }

  /** Own and descendant parameters with dotted names, in field order. */
  namedParameters(prefix = ''): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Tensor && value.requiresGrad) out.push([prefix + key, value]);
      else if (value instanceof Module) out.push(...value.namedParameters(`${prefix}${key}.`));
      else if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (v instanceof Module) out.push(...v.namedParameters(`${prefix}${key}.${i}.`));
          else if (v instanceof Tensor && v.requiresGrad) out.push([`${prefix}${key}.${i}`, v]);
        });
      }
    }
    return out;
  }

  /** Distinct parameters (a tensor shared by two layers, e.g. tied embeddings, appears once). */
  parameters(): Tensor[] {
    return [...new Set(this.namedParameters().map(([, t]) => t))];
  }

  /** Number of trainable values. */
  parameterCount(): number {
    let n = 0;
    for (const p of this.parameters()) n += p.size;
    return n;
  }

  train(on = true): this {
    this.training = on;
    for (const [, c] of this.namedChildren()) c.train(on);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Parameter values by name (copies), ready for `saveSafetensors`. */
  stateDict(): TensorMap {
    const out: TensorMap = {};
    for (const [name, t] of this.namedParameters()) out[name] = { data: t.data.slice(), shape: t.shape.slice() };
    return out;
  }

  /** Copies values in by name; every parameter must be present with its shape (extra entries are an error when strict). */
  loadStateDict(state: TensorMap, strict = true): void {
    const params = this.namedParameters();
    const known = new Set(params.map(([n]) => n));
    for (const [name, t] of params) {
      const e = state[name];
      if (e === undefined) throw createError('ARTIFACT_INVALID', { path: 'state dict', problem: `missing parameter ${name}` });
      if (e.shape.length !== t.shape.length || e.shape.some((d, i) => d !== t.shape[i])) {
        throw createError('ARTIFACT_INVALID', { path: 'state dict', problem: `parameter ${name} has shape [${e.shape.join(', ')}], expected [${t.shape.join(', ')}]` });
      }
      if (!(e.data instanceof Float32Array)) throw createError('ARTIFACT_INVALID', { path: 'state dict', problem: `parameter ${name} is not F32` });
      t.data.set(e.data);
    }
    if (strict) {
      for (const name of Object.keys(state)) {
        if (!known.has(name)) throw createError('ARTIFACT_INVALID', { path: 'state dict', problem: `unexpected parameter ${name}` });
      }
    }
  }
}

/** Marks a tensor as a trainable parameter. */
export function parameter(t: Tensor): Tensor {
  t.requiresGrad = true;
  return t;
}
