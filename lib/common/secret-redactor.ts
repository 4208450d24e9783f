const SECRET_PARAMS = /\b(access_token|corpsecret|suite_access_token|permanent_code)=[^&\s"'<>]*/gi;

/** Replaces the values of token and secret query parameters in `text`, for logs and messages. */
export function maskSecrets(text: string): string {
  return text.replace(SECRET_PARAMS, '$1=***');
}
