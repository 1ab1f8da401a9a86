import { html, type SafeHtml } from './html.js';

export interface SignInPageInput {
  /** Double-submit token matching the pre-session cookie (login CSRF). */
  readonly csrfToken: string;
  readonly accessKeyId?: string | undefined;
  readonly error?: string | undefined;
}

/** The secret field is never refilled; the id is, so a typo in the secret is quick to retry. */
export function signInPageBody(input: SignInPageInput): SafeHtml {
  return html`<h1>Sign in</h1>
    <p>
      Sign in with an AccessKey pair of the root account or of a RAM user. What you see and may do is what
      that key's policies allow.
    </p>
    ${input.error !== undefined ? html`<p class="error" role="alert" id="sign-in-error">${input.error}</p>` : html``}
    <form id="sign-in-form" method="post" action="/-/console/sign-in" class="sign-in">
      <input type="hidden" name="csrf" value="${input.csrfToken}" />
      <label for="f-access-key-id">AccessKeyId</label>
      <input
        id="f-access-key-id"
        name="accessKeyId"
        type="text"
        autocomplete="username"
        required
        value="${input.accessKeyId ?? ''}"
      />
      <label for="f-access-key-secret">AccessKeySecret</label>
      <input
        id="f-access-key-secret"
        name="accessKeySecret"
        type="password"
        autocomplete="current-password"
        required
      />
      <button type="submit" id="sign-in-button">Sign in</button>
    </form>`;
}
