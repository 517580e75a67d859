using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using WaiverDb.Service.Auth.Oidc;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Web;

/// <summary>
/// The browser's sign-in: a cookie session (HttpOnly, SameSite=Lax, Secure), opened by the
/// OIDC authorization-code flow with PKCE against the provider of <c>OIDC_CLIENT_SECRETS</c>.
/// </summary>
public static class WebAuthentication
{
    private const string IdTokenItem = "waiverdb.id_token_payload";
    private const string AccessTokenItem = "waiverdb.access_token_payload";

    public static WebApplicationBuilder AddWaiverDbWeb(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddDataProtection().SetApplicationName("waiverdb");
        services.AddOptions<KeyManagementOptions>().Configure<WaiverDbSettings>((options, settings) =>
        {
            if (settings.Web.SecretKey is { } secret)
            {
                options.XmlRepository = new SecretKeyRing(secret);
                options.AutoGenerateKeys = false;
            }
        });

        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "waiverdb_antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>().Configure<WaiverDbSettings>((options, settings) =>
            options.Cookie.SecurePolicy = CookiePolicy(settings));

        services.AddAuthentication().AddCookie(WebSchemes.Cookie, _ => { });
        services.AddOptions<CookieAuthenticationOptions>(WebSchemes.Cookie).Configure<WaiverDbSettings>((options, settings) =>
        {
            options.Cookie.Name = WebSchemes.CookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookiePolicy(settings);
            options.ExpireTimeSpan = settings.Web.SessionLifetime;
            options.SlidingExpiration = false;
        });

        // The OIDC scheme exists only when OIDC is configured (see UseWaiverDbWeb): as a
        // request handler it would otherwise look for a provider on every request.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddOptions<OpenIdConnectOptions>(WebSchemes.Oidc).Configure<WaiverDbSettings>((options, settings) =>
        {
            if (settings.Oidc is { } oidc)
            {
                Configure(options, oidc, settings);
            }
        });
        return builder;
    }

    /// <summary>Adds the OIDC sign-in scheme when <c>AUTH_METHODS</c> includes OIDC.</summary>
    public static WebApplication UseWaiverDbWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<WaiverDbSettings>().Oidc is not null)
        {
            app.Services.GetRequiredService<IAuthenticationSchemeProvider>()
                .AddScheme(new AuthenticationScheme(WebSchemes.Oidc, "OpenID Connect", typeof(OpenIdConnectHandler)));
        }

        return app;
    }

    /// <summary>
    /// Secure cookies always, except in DEVELOPMENT, where plain http on loopback (make run,
    /// the tests) must work too: there they are Secure when the request was https.
    /// </summary>
    private static CookieSecurePolicy CookiePolicy(WaiverDbSettings settings) =>
        settings.Development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;

    private static void Configure(OpenIdConnectOptions options, OidcSettings oidc, WaiverDbSettings settings)
    {
        var issuer = oidc.Issuer.OriginalString;
        options.SignInScheme = WebSchemes.Cookie;
        options.Authority = issuer;
        options.MetadataAddress = issuer.TrimEnd('/') + "/.well-known/openid-configuration";
        options.RequireHttpsMetadata = oidc.Issuer.Scheme == Uri.UriSchemeHttps;
        options.ClientId = oidc.ClientId;
        options.ClientSecret = oidc.ClientSecret;
        options.ResponseType = OpenIdConnectResponseType.Code;

        // A redirect back (not a cross-site form post), so SameSite=Lax cookies come along.
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.CallbackPath = settings.Web.CallbackRoute;
        options.Scope.Clear();
        foreach (var scope in settings.Web.Scopes)
        {
            options.Scope.Add(scope);
        }

        options.SaveTokens = true;
        options.MapInboundClaims = false;
        options.GetClaimsFromUserInfoEndpoint = true;
        options.TokenValidationParameters.NameClaimType = oidc.UsernameField;
        options.TokenValidationParameters.ValidAudience = oidc.ClientId;
        options.CorrelationCookie.SameSite = SameSiteMode.Lax;
        options.CorrelationCookie.SecurePolicy = CookiePolicy(settings);
        options.NonceCookie.SameSite = SameSiteMode.Lax;
        options.NonceCookie.SecurePolicy = CookiePolicy(settings);
        options.Events = new OpenIdConnectEvents
        {
            OnRedirectToIdentityProvider = context =>
            {
                // As flask-oidc: the provider returns to the registered redirect URI.
                if (oidc.RedirectUris.Count > 0)
                {
                    context.ProtocolMessage.RedirectUri = oidc.RedirectUris[0].AbsoluteUri;
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                var idToken = WebIdentity.Payload(context.TokenEndpointResponse?.IdToken ?? context.ProtocolMessage?.IdToken);
                var accessToken = WebIdentity.Payload(context.TokenEndpointResponse?.AccessToken);
                context.HttpContext.Items[IdTokenItem] = idToken;
                context.HttpContext.Items[AccessTokenItem] = accessToken;
                var (principal, failure) = WebIdentity.From(oidc, idToken, accessToken);
                if (principal is null)
                {
                    context.Fail(failure!);
                }
                else
                {
                    context.Principal = principal;

                    // The cookie lasts PERMANENT_SESSION_LIFETIME, as upstream's permanent session.
                    context.Properties!.IsPersistent = true;
                }

                return Task.CompletedTask;
            },
            OnUserInformationReceived = context =>
            {
                var (principal, failure) = WebIdentity.From(oidc, context.HttpContext.Items[IdTokenItem] as JsonElement?,
                    context.HttpContext.Items[AccessTokenItem] as JsonElement?, context.User.RootElement);
                if (principal is null)
                {
                    context.Fail(failure!);
                }
                else
                {
                    context.Principal = principal;
                }

                return Task.CompletedTask;
            },
            OnRemoteFailure = async context =>
            {
                context.HandleResponse();
                var message = context.Failure?.Message ?? "the identity provider did not sign you in";
                await WebLayout.Page(context.HttpContext, "Sign-in failed",
                    Html.Of($"""<p class="alert alert-danger" role="alert">Sign-in failed: {message}</p><p><a href="/">Back to the start page</a></p>"""),
                    null, StatusCodes.Status403Forbidden).ExecuteAsync(context.HttpContext);
            },
        };
    }
}
