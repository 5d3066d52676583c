namespace Portal.Hosting;

/// <summary>
/// Security headers on every response. Script sources are strict; MudBlazor sets inline styles
/// everywhere (MudBlazor#4529) and blazor.web.js injects some, so style-src must allow 'unsafe-inline'.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; " +
        "script-src 'self'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'";

    /// <summary>The <see cref="HttpContext.Items"/> key of a per-request script nonce (Scalar writes its nonce there).</summary>
    public const string ScriptNonceItem = Scalar.AspNetCore.ScalarOptions.NonceHttpContextItemKey;

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            // A page that renders its own inline scripts (the Scalar API reference) leaves a per-request nonce for them.
            headers.ContentSecurityPolicy = context.Items.TryGetValue(ScriptNonceItem, out var nonce) && nonce is string { Length: > 0 } value
                ? ContentSecurityPolicy.Replace("script-src 'self'", $"script-src 'self' 'nonce-{value}'", StringComparison.Ordinal)
                : ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (string.IsNullOrEmpty(headers.CacheControl))
            {
                // Pages show tenant configuration: never keep them in a shared or browser cache.
                headers.CacheControl = "no-store";
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}
