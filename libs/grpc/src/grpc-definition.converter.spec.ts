import { ResponseEventBatch, RouterServiceDefinition } from '@switchyard/ir';
import { toGrpcServiceDefinition } from './grpc-definition.converter';

describe(toGrpcServiceDefinition.name, () => {
  const sut = toGrpcServiceDefinition(RouterServiceDefinition);

  it('names each method by its full gRPC path and keeps the streaming flags', () => {
    expect(sut.route).toMatchObject({ path: '/switchyard.router.v1.RouterService/Route', requestStream: false, responseStream: true });
    expect(sut.listModels).toMatchObject({ path: '/switchyard.router.v1.RouterService/ListModels', requestStream: false, responseStream: false });
  });

  it('serializes with the generated encoder and reads it back with the decoder', () => {
    const batch: ResponseEventBatch = {
      events: [
        { event: { $case: 'toolCallDelta', value: { index: 1, id: 'call_1', name: 'get_weather', argumentsDelta: '{"city":', choice: 0, signature: '' } } },
        { event: { $case: 'textDelta', value: { text: 'hi', choice: 0, logprobsJson: '', signature: '' } } },
      ],
      final: false,
    };

    const bytes = sut.route.responseSerialize(batch);

    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(bytes).toEqual(Buffer.from(ResponseEventBatch.encode(batch).finish()));
    expect(sut.route.responseDeserialize(bytes)).toMatchObject(batch);
  });

  it('builds a definition once and hands the same one to every caller', () => {
    expect(toGrpcServiceDefinition(RouterServiceDefinition)).toBe(sut);
  });
});
