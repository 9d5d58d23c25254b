import { SetMetadata } from '@nestjs/common';
import type { z } from 'zod';

export const API_OPERATION = 'sokoul:api-operation';

export interface ApiOperationOptions {
  /** One line for the API reference. */
  summary: string;
  description?: string;
  /** The success body's shape; the response type of the handler is inferred from the same schema. */
  response?: z.ZodType;
  /** Problem statuses particular to this route (the common ones — 400, 401, 403, 404, 413, 415, 429 — are inferred). */
  errors?: number[];
}

/**
 * Describes a route for the OpenAPI document (`/docs`). Inputs need no description: the
 * document reads them from the route's `ZodValidationPipe`s, so what is documented is what
 * is validated.
 */
export const ApiOperation = (options: ApiOperationOptions) => SetMetadata(API_OPERATION, options);
