/**
 * Typed application errors with stable codes. Dispatch turns them into
 * ephemeral replies in one place; anything else becomes an apology with a
 * correlation id.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: { usage?: string; field?: string } = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: names the option and what is allowed. */
export class ValidationError extends AppError {
  constructor(message: string, details: { usage?: string; field?: string } = {}) {
    super('validation', message, details);
  }
}

/** Missing, or owned by someone else: the two are indistinguishable on purpose. */
export class NotFoundError extends AppError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/** The request is understood but the current state refuses it (status moves, blockers). */
export class ConflictError extends AppError {
  constructor(message: string) {
    super('conflict', message);
  }
}

export class UnknownCommandError extends AppError {
  constructor(message: string, usage?: string) {
    super('unknown_command', message, { usage });
  }
}
