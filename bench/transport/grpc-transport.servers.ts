import { Controller, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, GrpcMethod, GrpcMethodStreamingType, type MessageHandler, Payload, Transport } from '@nestjs/microservices';
import { eventBatches, GrpcHealthService, GrpcHostTransport, GrpcPassthroughFilter, GrpcServerHost, type ProtoServiceDefinition, serveAdapter, serveAuth } from '@switchyard/grpc';
import { AdapterServiceDefinition, type AdmitResponse, AuthServiceDefinition, type HealthCheckRequest, type ResponseEvent, type ResponseEventBatch } from '@switchyard/ir';
import { resolve } from 'node:path';
import { from, type Observable } from 'rxjs';

// The three ways to serve the same two hot RPCs, each answering from memory so only the
// transport is measured: a unary Admit and a server-streamed Generate of STREAM_EVENTS events
// (sent as the apps send them: batched, here all ready at once, so one message).

export const STREAM_EVENTS = 20;
export type ServerKind = 'plain' | 'custom' | 'builtin';

const ADMIT: AdmitResponse = { admitted: true, principal: { tenantId: 'acme', keyId: 'k1', models: [], region: '', allowedRegions: [], tenantModels: [], captureContent: false, corsOrigins: [] }, maxOutputTokens: 0 };
const DELTA: ResponseEvent = { event: { $case: 'textDelta', value: { text: 'lorem ipsum ', choice: 0, logprobsJson: '', signature: '' } } };
// The same messages in @grpc/proto-loader's shape (oneofs as a plain field plus its name).
const ADMIT_LOADER = { admitted: true, principal: { tenantId: 'acme', keyId: 'k1', corsOrigins: [] } };
const DELTA_LOADER = { textDelta: { text: 'lorem ipsum ', choice: 0 } };

async function* events(): AsyncGenerator<ResponseEvent> {
  for (let i = 0; i < STREAM_EVENTS; i++) yield DELTA;
}

@Controller()
class CustomController {
  @GrpcMethod('AuthService', 'Admit')
  admit(@Payload() _request: unknown): Promise<AdmitResponse> {
    return Promise.resolve(ADMIT);
  }

  @GrpcMethod('AdapterService', 'Generate')
  generate(@Payload() _request: unknown, @Ctx() _signal: AbortSignal): AsyncIterable<ResponseEventBatch> {
    return eventBatches(events());
  }
}

@Controller()
class BuiltinController {
  @GrpcMethod('AuthService', 'Admit')
  admit(_request: unknown): Promise<unknown> {
    return Promise.resolve(ADMIT_LOADER);
  }

  @GrpcMethod('AdapterService', 'Generate')
  generate(_request: unknown): Observable<unknown> {
    return from([{ events: Array.from({ length: STREAM_EVENTS }, () => DELTA_LOADER) }]);
  }
}

@Module({})
class BenchModule {
  static with(controller: new () => unknown): DynamicModule {
    return { module: BenchModule, controllers: [controller] };
  }
}

/** Starts one kind on a free port and resolves with it. */
export async function startServer(kind: ServerKind, protoRoot: string): Promise<number> {
  switch (kind) {
    case 'plain': {
      const host = new GrpcServerHost();
      serveAuth(host, { admit: () => Promise.resolve(ADMIT), settle: () => Promise.resolve(), heartbeat: () => Promise.resolve() });
      serveAdapter(host, { generate: () => events(), embed: () => Promise.resolve({ embeddings: [], usageEstimated: false }), countTokens: () => Promise.resolve({ inputTokens: 0, estimated: false }) });
      return host.start('127.0.0.1', 0);
    }
    case 'custom': {
      const health = new GrpcHealthService([]);
      // Only the two measured methods have handlers; the transport insists on all of them, so
      // the definitions are narrowed to those two.
      const auth: ProtoServiceDefinition = { ...AuthServiceDefinition, methods: { admit: AuthServiceDefinition.methods.admit } };
      const adapter: ProtoServiceDefinition = { ...AdapterServiceDefinition, methods: { generate: AdapterServiceDefinition.methods.generate } };
      const services = [auth, adapter];
      const transport = new GrpcHostTransport({ name: 'bench', host: '127.0.0.1', port: 0, services, health });
      // Health is served too, as in the apps: its handlers come from no controller here.
      const app = await NestFactory.createMicroservice(BenchModule.with(CustomController), { strategy: transport, logger: false });
      const check: MessageHandler = (request: HealthCheckRequest) => health.check(request);
      const watch: MessageHandler = (request: HealthCheckRequest, signal: AbortSignal) => Promise.resolve(health.watch(request, signal));
      transport.addHandler({ service: 'Health', rpc: 'Check', streaming: GrpcMethodStreamingType.NO_STREAMING }, check);
      transport.addHandler({ service: 'Health', rpc: 'Watch', streaming: GrpcMethodStreamingType.NO_STREAMING }, watch);
      app.useGlobalFilters(new GrpcPassthroughFilter());
      await app.init();
      await app.listen();
      return transport.port();
    }
    case 'builtin': {
      const port = 50000 + Math.floor(Math.random() * 10000);
      const app = await NestFactory.createMicroservice(BenchModule.with(BuiltinController), {
        transport: Transport.GRPC,
        logger: false,
        options: {
          url: `127.0.0.1:${port}`,
          package: ['switchyard.auth.v1', 'switchyard.adapter.v1'],
          protoPath: [resolve(protoRoot, 'switchyard/auth/v1/auth.proto'), resolve(protoRoot, 'switchyard/adapter/v1/adapter.proto')],
          loader: { includeDirs: [protoRoot], keepCase: false, longs: Number, enums: Number, defaults: false, oneofs: true },
        },
      });
      await app.listen();
      return port;
    }
  }
}
