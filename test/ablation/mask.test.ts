import * as assert from 'node:assert/strict';
import { channelMask, maskKey, maskMatrix, validateChannels } from '../../src/ablation/core/mask';

describe('ablation/mask', () => {
  it('zeroes exactly the listed channels', () => {
    assert.deepEqual(Array.from(channelMask([1, 3], 5)), [1, 0, 1, 0, 1]);
    assert.deepEqual(Array.from(channelMask([3, 3], 4)), [1, 1, 1, 0]);
  });
  it('an empty list ablates nothing (all ones)', () => {
    assert.deepEqual(Array.from(channelMask([], 3)), [1, 1, 1]);
  });
  it('rejects an out-of-range index, naming it and the channel count', () => {
    assert.throws(() => channelMask([0, 128], 128, { layerName: "layer 'block3_conv2'" }),
      /channel index 128 \(position 1\) is out of range; layer 'block3_conv2' has 128 channels \(0\.\.127\)/);
    assert.throws(() => channelMask([-1], 4), /channel index -1 .*out of range; the layer has 4 channels/);
  });
  it('rejects a non-integer index, naming it and the channel count', () => {
    assert.throws(() => channelMask([1.5], 4), /channel index 1\.5 \(position 0\) is not an integer; the layer has 4 channels/);
    assert.throws(() => validateChannels([NaN], 4), /channel index NaN .*not an integer/);
  });
  it('rejects a bad channel count', () => {
    assert.throws(() => channelMask([], 0), /channel count of the layer must be a positive integer, got 0/);
  });
  it('stacks rows and names the bad row', () => {
    assert.deepEqual(Array.from(maskMatrix([[0], [], [1]], 2)), [0, 1, 1, 1, 1, 0]);
    assert.throws(() => maskMatrix([[0], [2]], 2), /mask row 1: channel index 2/);
  });
  it('does not mutate its input and keys are order- and duplicate-free', () => {
    const list = [3, 1, 3];
    channelMask(list, 4);
    assert.deepEqual(list, [3, 1, 3]);
    assert.equal(maskKey(list), '1,3');
    assert.deepEqual(list, [3, 1, 3]);
    assert.equal(maskKey([]), '');
  });
});
