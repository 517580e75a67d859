using System.Text.Json;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Npgsql;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Validation;
using WaiverDb.Service.Auth;
using WaiverDb.Service.Auth.Kerberos;
using WaiverDb.Service.Auth.Oidc;
using WaiverDb.Service.Auth.Ssl;
using WaiverDb.Service.Database;
using WaiverDb.Service.Settings;
using WaiverDb.Service.Waivers;

namespace WaiverDb.Service.Hosting;

/// <summary>The service's composition, called from Program.cs.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>Where the API listens unless <c>WAIVERDB_LISTEN</c> says otherwise.</summary>
    public const string DefaultListen = "http://127.0.0.1:5004";

    public static WebApplicationBuilder AddWaiverDbServices(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var services = builder.Services;
        builder.WebHost.UseUrls((configuration["WAIVERDB_LISTEN"] ?? DefaultListen).Replace(',', ';'));

        // Read lazily so test hosts can supply WAIVERDB_CONFIG; Program resolves it right
        // after Build() so bad settings stop start-up before anything is served.
        services.AddSingleton(_ => SettingsLoader.Load(key => configuration[key]));

        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(sp.GetRequiredService<WaiverDbSettings>().Database.ConnectionString)
            .WithQueryDefaults()
            .UsePhysicalConnectionInitializer(
                _ => Observability.DatabaseConnects.Inc(),
                _ =>
                {
                    Observability.DatabaseConnects.Inc();
                    return Task.CompletedTask;
                })
            .UseLoggerFactory(new TransactionRollbacks())
            .Build());
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        services.AddSingleton<DatabaseMigrator>();
        services.AddHostedService<MigrationService>();

        services.AddSingleton<WaiverStore>();
        services.AddSingleton<CurrentCountCompactor>();
        services.AddHostedService(sp => sp.GetRequiredService<CurrentCountCompactor>());
        services.AddSingleton<Admin.AdminStore>();
        services.AddSingleton<Messaging.OutboxWriter>();
        services.AddSingleton<Messaging.IMessagePublisher>(Messaging.MessagingSettings.CreatePublisher);
        services.AddHostedService<Messaging.OutboxDispatcher>();
        services.AddSingleton<PermissionChecker>();
        services.AddSingleton<Auth.Ldap.LdapGroups>();
        services.AddScoped<WaiverCreator>();
        services.AddHttpClient<ResultsDbClient>((sp, client) =>
            client.Timeout = sp.GetRequiredService<WaiverDbSettings>().ResultsDbTimeout);
        services.AddValidatorsFromAssemblyContaining<CreateWaiverRequestValidator>(ServiceLifetime.Singleton);

        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.TypeInfoResolverChain.Insert(0, WaiverDbJsonContext.Default);
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        });

        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<WaiverDbSettings>((options, settings) =>
            options.AddDefaultPolicy(policy =>
            {
                if (settings.CorsOrigins.Contains("*"))
                {
                    policy.AllowAnyOrigin();
                }
                else
                {
                    policy.WithOrigins([.. settings.CorsOrigins]);
                }

                policy.AllowAnyHeader().AllowAnyMethod();
                if (settings.CorsSupportsCredentials)
                {
                    policy.AllowCredentials();
                }
            }));
        return builder;
    }

    public static WebApplicationBuilder AddWaiverDbAuthentication(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddAuthentication(AuthSchemes.Configured)
            .AddScheme<AuthenticationSchemeOptions, ConfiguredAuthenticationHandler>(AuthSchemes.Configured, null)
            .AddScheme<AuthenticationSchemeOptions, DummyAuthenticationHandler>(AuthSchemes.Dummy, null)
            .AddScheme<AuthenticationSchemeOptions, KerberosAuthenticationHandler>(AuthSchemes.Kerberos, null)
            .AddOidc()
            .AddWaiverDbSsl();
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>Errors, JSONP, metrics, CORS and authentication, in the order each needs.</summary>
    public static WebApplication UseWaiverDbPipeline(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseJsonErrors();
        app.UseRequestLimits();
        app.UseMiddleware<JsonpMiddleware>();
        app.UseRouting();
        app.UseRequestMetrics();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
