using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Portal.Integrations.Egress;

namespace Portal.Features.SingleSignOn;

/// <summary>OpenID Connect sign-in (code flow with PKCE), off unless <c>Auth:Oidc:Authority</c> is set, and the local sign-in switch.</summary>
public static class SingleSignOnFeature
{
    public const string Scheme = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary>Where the provider's sign-out ends: a plain page that says so.</summary>
    public const string SignedOutPath = "/Account/SignedOut";

    public static WebApplicationBuilder AddPortalOidc(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<OidcOptions>().BindConfiguration(OidcOptions.SectionName).ValidateDataAnnotations();
        services.AddOptionsWithValidateOnStart<LocalSignInOptions>().BindConfiguration(LocalSignInOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<SingleSignOnOptionsValidator>();
        services.AddSingleton<IValidateOptions<OidcOptions>>(sp => sp.GetRequiredService<SingleSignOnOptionsValidator>());
        services.AddSingleton<IValidateOptions<LocalSignInOptions>>(sp => sp.GetRequiredService<SingleSignOnOptionsValidator>());
        services.AddScoped<SsoSignInHandler>();
        services.AddScoped<SsoSignOut>();
        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{OidcOptions.SectionName}:Authority"]))
        {
            return builder; // single sign-on off: no scheme, no /signin-oidc
        }

        services.AddEgressGuard();
        services.AddAuthentication().AddOpenIdConnect(Scheme, _ => { });
        services.AddOptions<OpenIdConnectOptions>(Scheme).Configure<IOptions<OidcOptions>, EgressGuard, ILoggerFactory>(
            (openId, oidc, egress, loggers) => Configure(openId, oidc.Value, egress, loggers.CreateLogger(typeof(SingleSignOnFeature))));
        return builder;
    }

    private static void Configure(OpenIdConnectOptions openId, OidcOptions oidc, EgressGuard egress, ILogger logger)
    {
        openId.Authority = oidc.Authority!.ToString();
        openId.ClientId = oidc.ClientId;
        openId.ClientSecret = string.IsNullOrEmpty(oidc.ClientSecret) ? null : oidc.ClientSecret;
        openId.ResponseType = OpenIdConnectResponseType.Code;
        openId.UsePkce = true;
        openId.Scope.Clear();
        openId.Scope.Add("openid");
        foreach (var scope in oidc.Scopes.Count == 0 ? ["profile", "email"] : oidc.Scopes.Where(s => !string.IsNullOrWhiteSpace(s)))
        {
            openId.Scope.Add(scope.Trim());
        }

        // The provider's result lands in Identity's short-lived external cookie; /Account/SsoComplete turns it into a portal session.
        openId.SignInScheme = IdentityConstants.ExternalScheme;
        openId.SaveTokens = true;
        openId.MapInboundClaims = false; // raw claim names: sub, groups, roles, as the settings name them
        openId.GetClaimsFromUserInfoEndpoint = false;
        openId.TokenValidationParameters.NameClaimType = "name";
        openId.TokenValidationParameters.RoleClaimType = oidc.RoleClaim;
        openId.RequireHttpsMetadata = oidc.Authority.Scheme == Uri.UriSchemeHttps; // http only for a loopback provider in Development/demo (validated)

        // The provider answers with a top-level GET (query response mode), so Lax correlation and nonce cookies are
        // sent back; form_post would need SameSite=None, i.e. Secure cookies on every deployment.
        openId.ResponseMode = OpenIdConnectResponseMode.Query;
        openId.CorrelationCookie.SameSite = SameSiteMode.Lax;
        openId.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        openId.NonceCookie.SameSite = SameSiteMode.Lax;
        openId.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;

        // Discovery, keys and the token request are outbound calls like any other: through the egress guard
        // (a provider on an internal network must be in Egress:AllowedNetworks).
        openId.Backchannel = new HttpClient(egress.CreateHttpHandler()) { Timeout = TimeSpan.FromSeconds(30) };

        openId.SignedOutRedirectUri = SignedOutPath;
        openId.Events.OnRedirectToIdentityProviderForSignOut = SsoSignOut.OnRedirectToProviderAsync;
        openId.Events.OnRemoteFailure = context =>
        {
            logger.LogWarning("Single sign-on failed at the provider's callback: {Failure}", context.Failure?.Message);
            context.Response.Redirect("/Account/Login?sso=failed");
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }
}
