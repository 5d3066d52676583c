using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace Portal.Components.Layout;

/// <summary>
/// <see cref="PortalTheme"/> as one static stylesheet at <see cref="Path"/>, instead of the <c>&lt;style&gt;</c> a
/// <see cref="MudThemeProvider"/> renders into every circuit (about 8 KB of CSS text held per circuit and re-sent on every
/// theme change). MudBlazor's own provider writes the CSS, rendered once per process with the static HTML renderer for
/// the light and the dark palette; the layout's <c>theme-light</c>, <c>theme-dark</c> or <c>theme-system</c> class picks
/// one, and "system" follows <c>prefers-color-scheme</c> in the browser without any JavaScript interop.
/// </summary>
public static class ThemeStylesheet
{
    public const string Path = "/theme.css";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static (string Css, string ETag)? _built;

    public static IEndpointConventionBuilder MapThemeStylesheet(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, async (HttpContext context, IServiceProvider services) =>
        {
            var (css, etag) = await BuildOnceAsync(services);
            context.Response.Headers.CacheControl = "no-cache"; // revalidated by ETag: a new palette after an upgrade shows at once
            context.Response.Headers.ETag = etag;
            if (context.Request.Headers.IfNoneMatch == etag)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            return Results.Text(css, "text/css; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();

    /// <summary>The stylesheet's text (built on first use, then shared by every request).</summary>
    public static async Task<(string Css, string ETag)> BuildOnceAsync(IServiceProvider services)
    {
        if (_built is { } built)
        {
            return built;
        }

        await Gate.WaitAsync();
        try
        {
            if (_built is null)
            {
                var css = await BuildAsync(services);
                _built = (css, $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(css)))[..16]}\"");
            }

            return _built.Value;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> BuildAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<ILoggerFactory>());
        var light = ThemeRules(await RenderProviderAsync(renderer, dark: false));
        var dark = ThemeRules(await RenderProviderAsync(renderer, dark: true));
        var darkVariables = RootBlock(dark);
        var builder = new StringBuilder();
        builder.AppendLine("/* Generated from PortalTheme by MudBlazor's MudThemeProvider (light, then dark). */");
        builder.AppendLine(light);
        builder.Append(":root:has(.theme-dark) ").AppendLine(darkVariables);
        builder.Append("@media (prefers-color-scheme: dark) { :root:has(.theme-system) ").Append(darkVariables).AppendLine(" }");
        return builder.ToString();
    }

    private static Task<string> RenderProviderAsync(HtmlRenderer renderer, bool dark) =>
        renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(MudThemeProvider.Theme)] = PortalTheme.Theme,
                [nameof(MudThemeProvider.IsDarkMode)] = dark,
            });
            var output = await renderer.RenderComponentAsync<MudThemeProvider>(parameters);
            return output.ToHtmlString();
        });

    /// <summary>The CSS of every <c>&lt;style&gt;</c> element the provider rendered (scrollbar, chart and palette rules).</summary>
    private static string ThemeRules(string html)
    {
        var builder = new StringBuilder();
        var index = 0;
        while ((index = html.IndexOf("<style", index, StringComparison.Ordinal)) >= 0)
        {
            var start = html.IndexOf('>', index) + 1;
            var end = html.IndexOf("</style>", start, StringComparison.Ordinal);
            builder.AppendLine(html[start..end].Trim());
            index = end;
        }

        return builder.ToString();
    }

    /// <summary>The declaration block of the palette's <c>:root{…}</c> rule: the only rule that differs between light and dark.</summary>
    private static string RootBlock(string css)
    {
        var root = css.IndexOf(":root", StringComparison.Ordinal);
        var open = css.IndexOf('{', root);
        var close = css.IndexOf('}', open);
        return root < 0 || open < 0 || close < 0
            ? throw new InvalidOperationException("MudThemeProvider rendered no :root palette rule.")
            : css[open..(close + 1)];
    }
}
