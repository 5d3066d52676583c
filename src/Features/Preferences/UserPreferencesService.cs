using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Features.Users;

namespace Portal.Features.Preferences;

/// <summary>Per-user preferences (theme) kept in the database so they follow the user across browsers.</summary>
public sealed class UserPreferencesService(IDbContextFactory<PortalDbContext> dbFactory, CurrentUser currentUser)
{
    public async Task<ThemePreference> GetThemeAsync(CancellationToken cancellationToken = default)
    {
        var name = (await currentUser.GetPrincipalAsync()).Identity?.Name;
        if (name is null)
        {
            return ThemePreference.System;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking().Where(u => u.UserName == name).Select(u => u.Theme).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task SetThemeAsync(ThemePreference theme, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(theme))
        {
            throw new ArgumentOutOfRangeException(nameof(theme), theme, "Unknown theme.");
        }

        var name = (await currentUser.GetPrincipalAsync()).Identity?.Name;
        if (name is null)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Users.Where(u => u.UserName == name).ExecuteUpdateAsync(s => s.SetProperty(u => u.Theme, theme), cancellationToken);
    }
}

public static class PreferencesFeature
{
    public static IServiceCollection AddPreferencesFeature(this IServiceCollection services)
    {
        services.AddScoped<UserPreferencesService>();
        return services;
    }
}
