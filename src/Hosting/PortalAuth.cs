using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.SingleSignOn;
using Portal.Features.Users;

namespace Portal.Hosting;

/// <summary>ASP.NET Core Identity on the portal database, cookie hardening, roles and data protection.</summary>
public static class PortalAuth
{
    public static WebApplicationBuilder AddPortalAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<PortalAuthOptions>().BindConfiguration(PortalAuthOptions.SectionName).ValidateDataAnnotations();
        services.AddOptionsWithValidateOnStart<BootstrapOptions>().BindConfiguration(BootstrapOptions.SectionName).ValidateDataAnnotations();
        services.AddOptionsWithValidateOnStart<DataProtectionStorageOptions>().BindConfiguration(DataProtectionStorageOptions.SectionName).ValidateDataAnnotations();
        services.AddOptionsWithValidateOnStart<MfaOptions>().BindConfiguration(MfaOptions.SectionName).ValidateDataAnnotations();
        services.AddSignInRateLimits();

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddScoped<CircuitActivity>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, CircuitActivityHandler>();
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();

        services.AddIdentityCore<PortalUser>()
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<PortalUserClaimsPrincipalFactory>()
            .AddDefaultTokenProviders()
            .AddUserStore<ProtectedTokenUserStore>();
        services.AddScoped<IUserConfirmation<PortalUser>, EnabledUserConfirmation>();
        services.AddScoped<FirstAdminBootstrapper>();

        services.AddOptions<IdentityOptions>().Configure<IOptions<PortalAuthOptions>>((identity, auth) =>
        {
            identity.Lockout.AllowedForNewUsers = true;
            identity.Lockout.MaxFailedAccessAttempts = auth.Value.MaxFailedAccessAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(auth.Value.LockoutMinutes);
            identity.Password.RequiredLength = auth.Value.MinimumPasswordLength;
            identity.SignIn.RequireConfirmedAccount = true; // routed to EnabledUserConfirmation
            identity.User.RequireUniqueEmail = false;
        });
        services.AddOptions<SecurityStampValidatorOptions>().Configure<IOptions<PortalAuthOptions>>((stamp, auth) =>
            stamp.ValidationInterval = TimeSpan.FromSeconds(auth.Value.RevalidationIntervalSeconds));
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<IOptions<PortalAuthOptions>>((cookie, auth) => ConfigureCookie(cookie, auth.Value));

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        builder.AddPortalKeyRing();
        builder.AddPortalOidc();
        return builder;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions cookie, PortalAuthOptions auth)
    {
        cookie.LoginPath = "/Account/Login";
        cookie.LogoutPath = "/Account/Logout";
        cookie.AccessDeniedPath = "/Account/AccessDenied";
        cookie.Cookie.Name = "portal.auth";
        cookie.Cookie.HttpOnly = true;
        cookie.Cookie.SameSite = SameSiteMode.Strict;
        cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        cookie.ExpireTimeSpan = TimeSpan.FromMinutes(auth.IdleTimeoutMinutes);
        cookie.SlidingExpiration = true;
        var validateStamp = cookie.Events.OnValidatePrincipal;
        cookie.Events.OnValidatePrincipal = async context =>
        {
            // Absolute lifetime: sliding renewals never extend a session past this point.
            var now = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            var issued = context.Properties.GetString("portal:first_issued");
            if (issued is null)
            {
                issued = (context.Properties.IssuedUtc ?? now).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                context.Properties.SetString("portal:first_issued", issued);
                context.ShouldRenew = true;
            }
            else if (now - DateTimeOffset.FromUnixTimeSeconds(long.Parse(issued, System.Globalization.CultureInfo.InvariantCulture)) > TimeSpan.FromHours(auth.AbsoluteSessionHours))
            {
                context.RejectPrincipal();
                return;
            }

            // Identity's own handler validates the security stamp (disabled users, role changes).
            await validateStamp(context);

            // Open tabs (circuits) see only the principal: the start time travels with it for their absolute limit.
            if (context.Principal?.Identity is System.Security.Claims.ClaimsIdentity identity)
            {
                foreach (var stale in identity.FindAll(PortalClaims.SessionStarted).ToList())
                {
                    identity.RemoveClaim(stale);
                }

                identity.AddClaim(new System.Security.Claims.Claim(PortalClaims.SessionStarted, issued));
            }
        };
    }
}
