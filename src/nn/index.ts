/** @module Public API of Resonate's deep-learning engine: tensors, autograd, ops, layers, optimizers, I/O. */
export * from './tensor.js';
export * from './module.js';
export * from './init.js';
export * from './grad-check.js';
export * from './ops/arithmetic.js';
export * from './ops/activation.js';
export * from './ops/reduce.js';
export * from './ops/matmul.js';
export * from './ops/softmax.js';
export * from './ops/loss.js';
export * from './ops/dropout.js';
export * from './layers/linear.js';
export * from './layers/mlp.js';
export * from './optim/optimizer.js';
export * from './optim/adam.js';
export * from './safetensors.js';
