using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Auth.Oidc;

public static class OidcAuthenticationExtensions
{
    /// <summary>The JwtBearer scheme the OIDC method hands JWT access tokens to.</summary>
    public const string JwtScheme = "oidc-jwt";

    private static readonly TimeSpan BackchannelTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The OIDC method: JWTs through JwtBearer, opaque tokens through introspection.</summary>
    public static AuthenticationBuilder AddOidc(this AuthenticationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddHttpClient(OidcIntrospector.HttpClientName, client => client.Timeout = BackchannelTimeout);
        services.TryAddSingleton(TimeProvider.System);

        // Singleton, so its answer cache outlives a request; the factory's handler rotation still applies.
        services.AddSingleton(sp => new OidcIntrospector(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(OidcIntrospector.HttpClientName),
            sp.GetRequiredService<WaiverDbSettings>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<OidcIntrospector>>()));

        builder.AddScheme<AuthenticationSchemeOptions, OidcAuthenticationHandler>(AuthSchemes.Oidc, null);
        builder.AddJwtBearer(JwtScheme, _ => { });
        services.AddOptions<JwtBearerOptions>(JwtScheme).Configure<WaiverDbSettings>((options, settings) =>
        {
            if (settings.Oidc is { } oidc)
            {
                Configure(options, oidc);
            }
        });
        return builder;
    }

    private static void Configure(JwtBearerOptions options, OidcSettings oidc)
    {
        var issuer = oidc.Issuer.OriginalString;
        options.Authority = issuer;
        options.MetadataAddress = issuer.TrimEnd('/') + "/.well-known/openid-configuration";

        // The settings allow http only for a loopback issuer or in development.
        options.RequireHttpsMetadata = oidc.Issuer.Scheme == Uri.UriSchemeHttps;
        options.BackchannelTimeout = BackchannelTimeout;
        options.MapInboundClaims = false;
        options.SaveToken = false;

        // An unknown kid refreshes the keys (RefreshOnIssuerKeyNotFound), at most once a minute.
        options.RefreshOnIssuerKeyNotFound = true;
        options.RefreshInterval = TimeSpan.FromMinutes(1);

        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = oidc.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,

            // The defaults are 5 minutes and trying every published key when the kid is unknown.
            ClockSkew = TimeSpan.FromSeconds(30),
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms =
            [
                SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
                SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
                SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
            ],
            NameClaimType = oidc.UsernameField,
        };

        options.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                if (context.SecurityToken is not JsonWebToken jwt)
                {
                    context.Fail("the token was not accepted");
                    return Task.CompletedTask;
                }

                using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
                var (principal, failure) = OidcIdentity.FromClaims(payload.RootElement, oidc, AuthSchemes.Oidc);
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

            // Also called when the discovery document cannot be fetched, which would otherwise be a 500.
            OnAuthenticationFailed = async context =>
            {
                var exception = context.Exception;

                // IdentityModel validates without keys when the issuer cannot be reached, so
                // "unknown kid" may really mean "no keys": ask for them to say which.
                if (exception is SecurityTokenSignatureKeyNotFoundException && context.Options.ConfigurationManager is { } manager)
                {
                    try
                    {
                        await manager.GetConfigurationAsync(context.HttpContext.RequestAborted);
                    }
                    catch (InvalidOperationException unavailable)
                    {
                        exception = unavailable;
                    }
                }

                context.Fail(OidcIdentity.Describe(exception, oidc));
            },
        };
    }
}
