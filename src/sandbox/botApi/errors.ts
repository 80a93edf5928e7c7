/** Error answered to the bot exactly like Telegram does: `{ ok: false, error_code, description }`. */
export class ApiError extends Error {
  readonly errorCode: number;
  readonly description: string;
  readonly parameters: { retry_after?: number; migrate_to_chat_id?: number } | undefined;

  constructor(errorCode: number, description: string, parameters?: { retry_after?: number; migrate_to_chat_id?: number }) {
    super(description);
    this.name = 'ApiError';
    this.errorCode = errorCode;
    this.description = description;
    this.parameters = parameters;
  }
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, `Bad Request: ${message}`);
}

export function forbidden(message: string): ApiError {
  return new ApiError(403, `Forbidden: ${message}`);
}
