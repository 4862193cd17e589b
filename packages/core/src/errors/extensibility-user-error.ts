/**
 * Base class of the errors a hook throws or passes to its callback on purpose. `name` is an own
 * property, because consumers outside the hook (Auth0, your platform) identify the error by the
 * `data.name` of the error envelope, and the envelope copies own properties only.
 */
export class ExtensibilityUserError extends Error {
  constructor(message?: string) {
    super(message);
    // biome-ignore lint: an own property on purpose (see above).
    this.name = this.constructor.name;
  }
}

/** client-credentials-exchange: the request is malformed. */
export class InvalidRequestError extends ExtensibilityUserError {}

/** client-credentials-exchange: the requested scope is refused. */
export class InvalidScopeError extends ExtensibilityUserError {}

/** client-credentials-exchange: the hook failed. */
export class ServerError extends ExtensibilityUserError {}

/** The user-registration family: refuse the operation; `friendlyMessage` is shown to the end user. */
export class PreUserRegistrationError extends ExtensibilityUserError {
  friendlyMessage: string | undefined;
  constructor(message?: string, friendlyMessage?: string) {
    super(message);
    this.friendlyMessage = friendlyMessage || message;
  }
}

/** send-phone-message: the message could not be sent; `friendlyMessage` is shown to the end user. */
export class SendPhoneMessageError extends ExtensibilityUserError {
  friendlyMessage: string | undefined;
  constructor(message?: string, friendlyMessage?: string) {
    super(message);
    this.friendlyMessage = friendlyMessage || message;
  }
}
