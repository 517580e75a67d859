using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;

namespace WaiverDb.Service.Web;

/// <summary>The frame of every page: header with navigation and who is signed in, then the page's content.</summary>
public static class WebLayout
{
    public const string HtmlContentType = "text/html; charset=utf-8";

    /// <summary>A whole page as a result with <paramref name="status"/>.</summary>
    public static IResult Page(HttpContext context, string title, HtmlContent content, ClaimsPrincipal? user, int status = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(context);
        var who = user?.Identity?.Name is { } name
            ? Html.Of($"""
                <span>Signed in as <strong id="signed-in-user">{name}</strong></span>
                <form method="post" action="/auth/signout">{AntiforgeryField(context, user)}<button type="submit" class="link">Sign out</button></form>
                """)
            : Html.Of($"""<a id="sign-in" href="/auth/signin?next={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}">Sign in</a>""");
        var page = Html.Of($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{title} - WaiverDB</title>
            <link rel="stylesheet" href="{StaticAssets.StylesheetPath}">
            <link rel="icon" type="image/png" href="{StaticAssets.IconPath}">
            </head>
            <body>
            <a class="skip" href="#main">Skip to the content</a>
            <header>
            <a class="brand" href="/">WaiverDB</a>
            <nav aria-label="Main">
            <a href="/">Waivers</a>
            <a href="/api/v1.0/waivers/new">New waiver</a>
            <a href="/permissions">Permissions</a>
            </nav>
            <div class="who">{who}</div>
            </header>
            <main id="main">
            <h1>{title}</h1>
            {content}
            </main>
            </body>
            </html>
            """);
        return Results.Text(page.Value, HtmlContentType, Encoding.UTF8, status);
    }

    /// <summary>The hidden anti-forgery field of a form posted by <paramref name="user"/> (the token is bound to the user).</summary>
    public static HtmlContent AntiforgeryField(HttpContext context, ClaimsPrincipal? user)
    {
        ArgumentNullException.ThrowIfNull(context);
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        var previous = context.User;
        if (user is not null)
        {
            context.User = user;
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        context.User = previous;
        return Html.Of($"""<input type="hidden" name="{tokens.FormFieldName}" value="{tokens.RequestToken}">""");
    }

    /// <summary>Whether the request carries a valid anti-forgery token for <paramref name="user"/>.</summary>
    public static async Task<bool> IsAntiforgeryValidAsync(HttpContext context, ClaimsPrincipal? user)
    {
        ArgumentNullException.ThrowIfNull(context);
        var previous = context.User;
        context.User = user ?? new ClaimsPrincipal(new ClaimsIdentity());
        try
        {
            return await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context);
        }
        finally
        {
            context.User = previous;
        }
    }
}
