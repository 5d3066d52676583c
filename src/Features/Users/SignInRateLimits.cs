using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Features.Users;

/// <summary>Marks a page whose form POST is a sign-in attempt (password or second factor): it counts against the sign-in limits.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class SignInAttemptAttribute : Attribute;

/// <summary>
/// Per client address and per account, a fixed number of sign-in POSTs per window, whatever their outcome: once spent,
/// even the right password is refused until the window ends. Guessing is slowed before lockout is reached, and
/// spraying one password across many names from one address is slowed too.
/// </summary>
public static class SignInRateLimits
{
    private const string AccountKeyItem = "portal:sign-in-account-key";

    public static IServiceCollection AddSignInRateLimits(this IServiceCollection services)
    {
        services.AddOptionsWithValidateOnStart<SignInRateLimitOptions>().BindConfiguration(SignInRateLimitOptions.SectionName).ValidateDataAnnotations();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SignInRateLimitOptions>>((limiter, limits) =>
        {
            var settings = limits.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, "address:" + http.Connection.RemoteIpAddress, settings.PermitsPerAddress, settings)),
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, http.Items[AccountKeyItem] as string, settings.PermitsPerAccount, settings)));
            limiter.OnRejected = (context, cancellationToken) => RefuseAsync(context, settings, cancellationToken);
        });
        return services;
    }

    /// <summary>
    /// Notes the account a sign-in POST is for (hashed: the text may be a mistyped password), for the limiter that runs
    /// next. The host registers the one rate-limiter middleware after this (two would count each request twice).
    /// </summary>
    public static WebApplication UseSignInRateLimitKeys(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (IsSignInAttempt(context))
            {
                context.Items[AccountKeyItem] = await AccountKeyAsync(context);
            }

            await next(context);
        });
        return app;
    }

    private static bool IsSignInAttempt(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && context.GetEndpoint()?.Metadata.GetMetadata<SignInAttemptAttribute>() is not null;

    private static RateLimitPartition<string> Partition(HttpContext http, string? key, int permits, SignInRateLimitOptions settings) =>
        key is null || !IsSignInAttempt(http)
            ? RateLimitPartition.GetNoLimiter("")
            : RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = TimeSpan.FromSeconds(settings.WindowSeconds),
                QueueLimit = 0,
            });

    private static async Task<string> AccountKeyAsync(HttpContext context)
    {
        string? account = null;
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            account = form["Input.UserName"].ToString();
        }

        if (string.IsNullOrWhiteSpace(account))
        {
            // The second-factor form: the account is the one whose password was just accepted.
            var pending = await context.AuthenticateAsync(IdentityConstants.TwoFactorUserIdScheme);
            account = pending.Principal?.FindFirstValue(ClaimTypes.Name) is { } userId ? "id:" + userId : "";
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(account.Trim().ToUpperInvariant()));
        return "account:" + Convert.ToHexString(hash);
    }

    private static async ValueTask RefuseAsync(OnRejectedContext context, SignInRateLimitOptions settings, CancellationToken cancellationToken)
    {
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds))
            : settings.WindowSeconds;
        var http = context.HttpContext;
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInRateLimits))
            .LogWarning("Sign-in attempt from {RemoteAddress} refused by the rate limit for {Seconds} s", http.Connection.RemoteIpAddress, seconds);
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        http.Response.ContentType = "text/html; charset=utf-8";
        var message = $"Too many sign-in attempts. Try again in {seconds} seconds.";
        await http.Response.WriteAsync(
            $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign in · Connector Portal</title></head>
            <body><main><h1>Sign in</h1><p role="alert" class="account-error">{WebUtility.HtmlEncode(message)}</p>
            <p><a href="/Account/Login">Back to sign-in</a></p></main></body></html>
            """, cancellationToken);
    }
}
