export type AuthenticationFailure = 'missing' | 'malformed' | 'invalid' | 'expired' | 'claims' | 'lifetime' | 'register';

/** Why a request was not authenticated (the gateway answers 401). The message never repeats the token. */
export class AuthenticationError extends Error {
  constructor(readonly failure: AuthenticationFailure, message: string) {
    super(message);
    this.name = 'AuthenticationError';
  }
}
