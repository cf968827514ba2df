// An error as the user sees it: the server's message, its code, and what to do next.
import { ApiError, nextStepFor } from '../api';

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

export function ErrorBox({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const step = api ? api.nextStep : nextStepFor(-1, 'CLIENT');
  return (
    <div class="error-box" role="alert">
      <p class="error-title">
        {title ?? 'Something went wrong'}
        {api && api.status > 0 && <span class="error-code"> ({api.code}, HTTP {api.status})</span>}
      </p>
      <p class="error-message">{errorMessage(error)}</p>
      <p class="error-next">
        {api?.status === 401 ? <a href="#/signin">{step}</a> : api ? step : 'Check the values and try again.'}
        {onRetry && (
          <>
            {' '}
            <button type="button" class="link-button" onClick={onRetry}>Try again</button>
          </>
        )}
      </p>
    </div>
  );
}
