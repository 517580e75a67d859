using Microsoft.Identity.Client;
using Microsoft.Identity.Client.Extensions.Msal;

namespace WaiverDb.Cli;

/// <summary>
/// Where MSAL keeps tokens between runs, so a packager logs in once: the Linux keyring (Secret
/// Service) when a desktop session offers one, the macOS keychain, a DPAPI-encrypted file on
/// Windows; otherwise (a server over ssh, a container) a plain file only the user may read
/// (mode 0600) in <c>$XDG_CACHE_HOME/waiverdb</c> (default <c>~/.cache/waiverdb</c>).
/// </summary>
internal static class TokenCacheStore
{
    /// <summary>The packager's tokens (MSAL refuses to keep a robot's in the same file).</summary>
    public const string UserFileName = "oidc-token-cache.json";

    /// <summary>The tokens a client secret got.</summary>
    public const string ClientFileName = "oidc-client-token-cache.json";

    private const UnixFileMode UserOnlyDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode UserOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string Directory(Func<string, string?> environment)
    {
        var cacheHome = environment("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(environment("HOME") is { Length: > 0 } home ? home : System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cacheHome, "waiverdb");
    }

    public static async Task RegisterAsync(ITokenCache cache, string fileName, Func<string, string?> environment)
    {
        var directory = Directory(environment);
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(directory, UserOnlyDirectory);
            var path = Path.Combine(directory, fileName);

            // Created empty with the mode before MSAL writes to it, so no token is ever readable by others.
            if (!File.Exists(path))
            {
                using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UserOnlyFile });
            }
        }

        StorageCreationPropertiesBuilder Builder() => new StorageCreationPropertiesBuilder(fileName, directory)
            .WithMacKeyChain("waiverdb-cli", fileName);
        MsalCacheHelper? helper = null;

        // The keyring is reached over the session's D-Bus; without one, there is no keyring to try.
        if (OperatingSystem.IsLinux() && !string.IsNullOrEmpty(environment("DBUS_SESSION_BUS_ADDRESS")))
        {
            try
            {
                helper = await MsalCacheHelper.CreateAsync(Builder().WithLinuxKeyring(
                    "org.waiverdb.cli.tokencache",
                    MsalCacheHelper.LinuxKeyRingDefaultCollection,
                    "waiverdb-cli OIDC tokens",
                    new KeyValuePair<string, string>("Product", "waiverdb-cli"),
                    new KeyValuePair<string, string>("Cache", fileName)).Build());
                helper.VerifyPersistence();
            }
            catch (MsalCachePersistenceException)
            {
                helper = null;
            }
        }

        helper ??= await MsalCacheHelper.CreateAsync(Builder().WithLinuxUnprotectedFile().Build());
        helper.RegisterCache(cache);
    }
}
