// Typed domain errors: services throw these, exactly one mapper in api/ turns them into problems.

export interface FieldIssue {
  path: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  constructor(
    readonly code: string,
    message: string,
    readonly errors?: FieldIssue[],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input is wrong: bad field, bad trigger, bad target. 400 (or 422-like cases as 400). */
export class Invalid extends DomainError {
  readonly status = 400;
  readonly title = "Invalid request";
  constructor(code: string, message: string, errors?: FieldIssue[]) {
    super(code, message, errors);
  }
  /** One field is wrong. */
  static field(code: string, path: string, message: string): Invalid {
    return new Invalid(code, `${path}: ${message}`, [{ path, message }]);
  }
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly title = "Not found";
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly title = "Conflict";
}

export class PreconditionFailed extends DomainError {
  readonly status = 412;
  readonly title = "Precondition failed";
}

export class Unavailable extends DomainError {
  readonly status = 503;
  readonly title = "Service unavailable";
}
