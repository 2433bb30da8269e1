import type { AuthPort } from '@switchyard/ir';
import type { BatchesService } from '../batches/batches.service';
import type { FilesService } from '../files/files.service';
import type { MessageBatchesService } from '../batches/message-batches.service';

export const BATCHES_API = Symbol('BatchesApi');

/** What the Files and Batches routes need; the app builds it (standalone: in-process services). */
export interface BatchesApi {
  auth: AuthPort;
  files: FilesService;
  batches: BatchesService;
  /** Anthropic Message Batches. */
  messageBatches: MessageBatchesService;
  /** SWITCHYARD_FILES_MAX_BYTES: the largest upload accepted. */
  maxFileBytes: number;
}
