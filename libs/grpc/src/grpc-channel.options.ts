import type { ChannelOptions, ServerOptions } from '@grpc/grpc-js';

/** Requests carry base64 images and documents; grpc-js would otherwise refuse anything over 4 MiB. */
export const GRPC_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

// Pings every 10 s, dead after 5 s without an answer: a vanished pod is noticed in seconds,
// not after the kernel's TCP timeout, on both ends (clients fail over, servers abort the
// upstream work of calls whose caller is gone). grpc-js servers do not police ping rates.
const KEEPALIVE: ChannelOptions = {
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
};

const MESSAGE_SIZE: ChannelOptions = {
  'grpc.max_send_message_length': GRPC_MAX_MESSAGE_BYTES,
  'grpc.max_receive_message_length': GRPC_MAX_MESSAGE_BYTES,
};

// Channelz keeps per-call counters and traces for a debugging service we do not serve; off, it
// saves a few µs of CPU on each call, at both ends.
const NO_CHANNELZ: ChannelOptions = { 'grpc.enable_channelz': 0 };

export const GRPC_CLIENT_OPTIONS: ChannelOptions = {
  ...MESSAGE_SIZE,
  ...KEEPALIVE,
  ...NO_CHANNELZ,
  // The default backoff grows to 120 s: a restarted pod would stay unreachable for minutes.
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
  // round_robin spreads calls over every address the name resolves to (a headless Service,
  // `dns:///router-headless:50051`); with a single address it behaves like pick_first.
  'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
  // No service config is published in DNS TXT records, so do not look for one.
  'grpc.service_config_disable_resolution': 1,
  // The router retries and fails over itself (never after the first byte); grpc-js's own
  // retry layer would only buffer every message and add latency to each call.
  'grpc.enable_retries': 0,
};

export const GRPC_SERVER_OPTIONS: ServerOptions = {
  ...MESSAGE_SIZE,
  ...KEEPALIVE,
  ...NO_CHANNELZ,
  // Long-lived HTTP/2 connections pin clients to the pods that existed when they connected;
  // ageing them out makes scale-outs take load. No grace limit: streams may run for minutes
  // (routing.timeouts.totalMs) and are never cut, only new calls move.
  'grpc.max_connection_age_ms': 5 * 60_000,
};
