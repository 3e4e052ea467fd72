using System.Runtime.InteropServices;

namespace Pql.Cli.Bench;

/// <summary>
/// The few functions of LightGBM's C API (c_api.h, 4.7.0) the benchmark peer needs, from the <c>lib_lightgbm.so</c> the
/// <c>LightGBM</c> NuGet package ships. Benchmark only: the engine never calls LightGBM.
/// </summary>
internal static unsafe partial class LightGbmNative
{
    private const string Lib = "lib_lightgbm";

    /// <summary>C_API_DTYPE_FLOAT32.</summary>
    public const int Float32 = 0;

    /// <summary>C_API_PREDICT_NORMAL: probabilities for a binary objective.</summary>
    public const int PredictNormal = 0;

    /// <summary>
    /// Before lib_lightgbm (and its OpenMP runtime, which reads the variable once when it loads) is loaded: idle OpenMP threads sleep
    /// instead of spinning, as the bench already asks of its child processes; run directly (`pql learn --model lightgbm`) the spinning
    /// threads took the cores from everything else on a busy machine. A value the user set is kept. .NET's own
    /// Environment.SetEnvironmentVariable does not reach native getenv on Linux, hence libc's setenv.
    /// </summary>
    static LightGbmNative()
    {
        if (OperatingSystem.IsLinux())
            _ = SetEnv("OMP_WAIT_POLICY", "PASSIVE", overwrite: 0);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    [LibraryImport(Lib, EntryPoint = "LGBM_GetLastError")]
    private static partial nint GetLastError();

    [LibraryImport(Lib, EntryPoint = "LGBM_DatasetCreateFromMat", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int DatasetCreateFromMat(float* data, int dataType, int rows, int cols, int isRowMajor, string parameters, nint reference, out nint dataset);

    [LibraryImport(Lib, EntryPoint = "LGBM_DatasetSetField", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int DatasetSetField(nint dataset, string field, float* data, int count, int type);

    [LibraryImport(Lib, EntryPoint = "LGBM_DatasetFree")]
    public static partial int DatasetFree(nint dataset);

    [LibraryImport(Lib, EntryPoint = "LGBM_BoosterCreate", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int BoosterCreate(nint dataset, string parameters, out nint booster);

    [LibraryImport(Lib, EntryPoint = "LGBM_BoosterUpdateOneIter")]
    public static partial int BoosterUpdateOneIter(nint booster, out int finished);

    [LibraryImport(Lib, EntryPoint = "LGBM_BoosterPredictForMat", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int BoosterPredictForMat(nint booster, float* data, int dataType, int rows, int cols, int isRowMajor, int predictType,
        int startIteration, int iterations, string parameters, out long length, double* result);

    [LibraryImport(Lib, EntryPoint = "LGBM_BoosterFree")]
    public static partial int BoosterFree(nint booster);

    /// <summary>Throws with LightGBM's own message when a call returned non-zero.</summary>
    public static void Check(int status, string call)
    {
        if (status != 0)
            throw new InvalidOperationException($"LightGBM {call} failed: {Marshal.PtrToStringUTF8(GetLastError())}");
    }
}
