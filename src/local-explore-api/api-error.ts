/**
 * An error as the Explore v2.1 API reports it: an HTTP status and a JSON body
 * `{"error_code": "...", "message": "..."}` (e.g. InvalidRESTParameterError for a limit above 100).
 */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: number;
  readonly errorCode: string;

  constructor(status: number, errorCode: string, message: string) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
  }

  body(): string {
    return JSON.stringify({ error_code: this.errorCode, message: this.message });
  }
}

export function invalidParameter(message: string): ApiError {
  return new ApiError(400, 'InvalidRESTParameterError', message);
}

export function odsqlError(message: string): ApiError {
  return new ApiError(400, 'ODSQLError', message);
}
