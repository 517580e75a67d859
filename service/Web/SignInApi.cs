using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication;
using WaiverDb.Contracts.Validation;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Web;

/// <summary>Signing in and out of the web pages, and upstream's <c>/auth/oidclogin</c>.</summary>
public static class SignInApi
{
    public const string DummyLoginPath = "/auth/dummy-login";

    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/auth").WithTags("Web").ExcludeFromDescription();
        group.MapGet("/signin", SignIn);
        group.MapGet("/oidclogin", (Delegate)OidcLoginAsync);
        group.MapPost("/signout", (Delegate)SignOutAsync);
        group.MapGet("/dummy-login", DummyLoginPageAsync);
        group.MapPost("/dummy-login", DummyLoginAsync);
        return app;
    }

    /// <summary>
    /// Sends the browser to sign in and then back to <paramref name="returnUrl"/>, query string
    /// included: to the identity provider with OIDC, to the sign-in page with dummy in DEVELOPMENT.
    /// </summary>
    public static IResult Challenge(HttpContext context, string returnUrl)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = context.RequestServices.GetRequiredService<WaiverDbSettings>();
        var next = WebSchemes.LocalReturnUrl(returnUrl);
        if (settings.Oidc is not null)
        {
            return Results.Challenge(new AuthenticationProperties { RedirectUri = next }, [WebSchemes.Oidc]);
        }

        if (settings.Development && settings.AuthMethods.Contains(AuthMethod.Dummy))
        {
            return Results.Redirect($"{DummyLoginPath}?next={Uri.EscapeDataString(next)}");
        }

        return WebLayout.Page(context, "Signing in is not available",
            Html.Raw("""<p class="alert alert-danger" role="alert">Signing in from the browser needs OIDC in AUTH_METHODS (or dummy with DEVELOPMENT).</p>"""),
            null, StatusCodes.Status501NotImplemented);
    }

    public static IResult SignIn(HttpContext context, string? next) => Challenge(context, next ?? "/");

    /// <summary>As upstream: signs in, then answers one line of JSON with the e-mail and the access token.</summary>
    public static async Task<IResult> OidcLoginAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(WebSchemes.Cookie);
        if (!result.Succeeded || result.Principal.Identity?.IsAuthenticated != true)
        {
            return Challenge(context, context.Request.Path + context.Request.QueryString);
        }

        var body = new JsonObject
        {
            ["email"] = result.Principal.FindFirstValue(ClaimTypes.Email),
            ["token"] = result.Properties?.GetTokenValue("access_token"),
        };
        return Results.Text(body.ToJsonString() + "\n", "application/json");
    }

    public static async Task<IResult> SignOutAsync(HttpContext context)
    {
        var user = await WebSchemes.UserAsync(context);
        if (!await WebLayout.IsAntiforgeryValidAsync(context, user))
        {
            return AntiforgeryRefused(context, user);
        }

        await context.SignOutAsync(WebSchemes.Cookie);
        return Results.Redirect("/", permanent: false);
    }

    /// <summary>The development stand-in for the identity provider: a user name, no password.</summary>
    public static async Task<IResult> DummyLoginPageAsync(HttpContext context, string? next, WaiverDbSettings settings)
    {
        if (!DummyAllowed(settings))
        {
            return Results.NotFound();
        }

        var user = await WebSchemes.UserAsync(context);
        return DummyPage(context, next, user, null, StatusCodes.Status200OK);
    }

    public static async Task<IResult> DummyLoginAsync(HttpContext context, WaiverDbSettings settings)
    {
        if (!DummyAllowed(settings))
        {
            return Results.NotFound();
        }

        if (!context.Request.HasFormContentType)
        {
            return DummyPage(context, null, null, "The sign-in form must be posted as a form.", StatusCodes.Status415UnsupportedMediaType);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var next = form["next"].ToString();
        if (!await WebLayout.IsAntiforgeryValidAsync(context, null))
        {
            return AntiforgeryRefused(context, null);
        }

        var name = form["username"].ToString().Trim();
        if (name.Length == 0 || name.Length > FieldLimits.Username || name.Any(char.IsControl))
        {
            return DummyPage(context, next, null,
                $"username: a user name of 1 to {FieldLimits.Username} characters is required", StatusCodes.Status400BadRequest);
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], WebSchemes.Cookie);
        await context.SignInAsync(WebSchemes.Cookie, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true });
        return Results.Redirect(WebSchemes.LocalReturnUrl(next));
    }

    /// <summary>The page that answers a form posted without a valid anti-forgery token.</summary>
    public static IResult AntiforgeryRefused(HttpContext context, ClaimsPrincipal? user) =>
        WebLayout.Page(context, "Form expired",
            Html.Raw("""<p class="alert alert-danger" role="alert">The form's anti-forgery token is missing or invalid: reload the page and submit it again.</p>"""),
            user, StatusCodes.Status400BadRequest);

    private static bool DummyAllowed(WaiverDbSettings settings) =>
        settings.Development && settings.AuthMethods.Contains(AuthMethod.Dummy);

    private static IResult DummyPage(HttpContext context, string? next, ClaimsPrincipal? user, string? error, int status)
    {
        var problem = error is null ? HtmlContent.Empty : Html.Of($"""<p class="alert alert-danger" role="alert" id="sign-in-error">{error}</p>""");
        return WebLayout.Page(context, "Sign in (development)", Html.Of($"""
            {problem}
            <p class="muted">This server runs in development mode with dummy authentication: any user name signs in, without a password.</p>
            <form class="stacked" method="post" action="{DummyLoginPath}">
            {WebLayout.AntiforgeryField(context, null)}
            <input type="hidden" name="next" value="{WebSchemes.LocalReturnUrl(next)}">
            <div class="field"><label for="username">User name</label>
            <input type="text" id="username" name="username" required autocomplete="username" autofocus></div>
            <button type="submit">Sign in</button>
            </form>
            """), user, status);
    }
}
