export * from './chat-pipeline.service';
export * from './credentials';
export * from './health.controller';
export * from './http-server';
export * from './ingress-app.bootstrap';
export * from './ingress.module';
export * from './usage-tracker';
export * from './admin-routing.controller';
