/** The authenticated professional on whose behalf a request runs, taken from a verified JWT. */
export interface Caller {
  /** The professional (`sub`). */
  subject: string;
  /** The professional's organisation (`org`). */
  organisationId: string;
  /** The roles the token grants (`roles`). */
  roles: readonly string[];
  /** The purpose of this access (`purpose`): access is bound to it (doelbinding). */
  purpose: string;
}
