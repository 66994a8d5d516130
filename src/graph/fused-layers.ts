/**
 * Inference-only layers that graph rewrites (fold.ts) put in place of several Keras layers:
 * a convolution with folded batch norm, an absorbed zero padding and a fused ReLU, and the
 * `relu(a + b)` join of a residual block. They hold constant tensors (no trainable weights) and
 * must not be trained or saved.
 */
import * as tf from '@tensorflow/tfjs';
import { addRelu } from '../backend/fused-ops';

/** Explicit spatial padding `[[top, bottom], [left, right]]`, or a Keras padding mode. */
export type ConvPadding = 'same' | 'valid' | [[number, number], [number, number]];

export interface FoldedConvOptions {
  name: string;
  strides: [number, number];
  dilations: [number, number];
  padding: ConvPadding;
  activation: 'linear' | 'relu';
}

function tfPad(p: ConvPadding): 'same' | 'valid' | tf.backend_util.ExplicitPadding {
  return typeof p === 'string' ? p : [[0, 0], p[0], p[1], [0, 0]];
}

/** `activation(conv(x, kernel, padding) + bias)`, channels last, as one fused op. */
export class FoldedConv2D extends tf.layers.Layer {
  static readonly className = 'FiltermineFoldedConv2D';
  private disposedTensors = false;

  /**
   * @param kernel `[kh, kw, in, out]`, owned by the layer from now on
   * @param bias `[out]`, owned by the layer from now on
   */
  constructor(private readonly kernel: tf.Tensor4D, private readonly bias: tf.Tensor1D, private readonly opts: FoldedConvOptions) {
    super({ name: opts.name, trainable: false });
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const [n, h, w] = s;
    const out = this.kernel.shape[3];
    if (h == null || w == null) return [n, null, null, out];
    const info = tf.backend_util.computeConv2DInfo([1, h, w, this.kernel.shape[2]], this.kernel.shape,
      this.opts.strides, this.opts.dilations, tfPad(this.opts.padding));
    return [n, info.outHeight, info.outWidth, out];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    if (tf.engine().state.gradientDepth > 0) {
      // Under a gradient tape: plain ops, whose gradients tfjs computes only for what is asked
      // (the fused op's custom gradient would also compute the kernel and bias gradients).
      return tf.tidy(() => {
        const y = tf.add(tf.conv2d(x, this.kernel, this.opts.strides, tfPad(this.opts.padding), 'NHWC', this.opts.dilations), this.bias);
        return this.opts.activation === 'relu' ? tf.relu(y) : y;
      });
    }
    return tf.fused.conv2d({
      x, filter: this.kernel, bias: this.bias, strides: this.opts.strides, dilations: this.opts.dilations,
      pad: tfPad(this.opts.padding), activation: this.opts.activation,
    });
  }

  override getClassName(): string {
    return FoldedConv2D.className;
  }

  /** Frees the kernel and bias. Idempotent. */
  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    if (!this.disposedTensors) {
      this.disposedTensors = true;
      tf.dispose([this.kernel, this.bias]);
    }
    return { refCountAfterDispose: 0, numDisposedVariables: 0 };
  }
}

/** `relu(a + b)`, the join of a residual block, in one pass where the backend can (fused-ops.ts). */
export class AddRelu extends tf.layers.Layer {
  static readonly className = 'FiltermineAddRelu';

  constructor(name: string) {
    super({ name, trainable: false });
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) throw new Error(`${this.name}: AddRelu takes two tensors`);
    return addRelu(inputs[0], inputs[1]);
  }

  override getClassName(): string {
    return AddRelu.className;
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    return { refCountAfterDispose: 0, numDisposedVariables: 0 };
  }
}
