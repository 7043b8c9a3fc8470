#include "audio/decoder.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>
#include <libswresample/swresample.h>
}

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>

#include "core/base/log.h"

namespace songspace::audio {
namespace {

// The partial-decode rule (decoder.h explains it to callers).
constexpr double kMaxRejectedFraction = 0.10;
constexpr double kTruncatedFraction = 0.90;
// ... and at least this much shorter: codec delay and resampler edges cost a few milliseconds,
// which is a large fraction of a short sound effect but no sign of damage.
constexpr double kTruncatedMinMissingSeconds = 0.25;
// A demuxer that keeps failing without progress is given up on rather than spun on.
constexpr int kMaxConsecutiveReadErrors = 32;
// libswresample's limit on input channels.
constexpr int kMaxChannels = 64;
// The highest source rate converted: above the 2.8224 MHz PCM that FFmpeg decodes DSD512 to.
// A damaged header may claim any rate, and building the resampler's filter grows with the
// ratio: 6 s of swr_init for a 372-byte WAV claiming 200 MHz (fuzzing, docs/experiments.md §9).
constexpr int kMaxSourceSampleRate = 3'000'000;
// The lowest: below any audio format's rate (telephony uses 8 kHz, old samplers 4 kHz). A damaged
// header claiming 1 Hz asked for 22 050 output samples per input sample, 300 MB for one frame of
// a 3.5 KB file (fuzzing, docs/experiments.md §9).
constexpr int kMinSourceSampleRate = 1'000;
// Output samples asked of the resampler per call: the buffer for them is the decoder's only
// allocation that grows with what a frame declares, so it is bounded whatever the frame's size
// and the conversion ratio; the rest of a frame waits inside the resampler for the next call.
constexpr int kMaxConvertSamples = 1 << 16;

// FFmpeg logs through one process-wide callback, from whichever thread calls into it. Every
// message goes to the songspace.audio log (core/base/log.h; dropped unless the process installed
// a sink): PANIC and FATAL as Critical, ERROR and WARNING as Warning, INFO as Info, VERBOSE and
// DEBUG as Debug, TRACE nowhere. A line is kept per thread until its newline arrives (FFmpeg
// sometimes prints one line in several calls) and goes out whole, prefixed with the file being
// decoded on this thread and the FFmpeg component ("[mp3float]"; no address, so lines compare).
// Separately, the first error of the codec a thread is decoding with is captured: it names what
// was wrong and goes into the Corrupt message. Codecs run single-threaded, so their log calls
// come on the decoding thread and thread_locals are enough.
struct ErrorCapture {
  const void* codec = nullptr;
  std::string* text = nullptr;
};
thread_local ErrorCapture t_capture;
thread_local const std::filesystem::path* t_decodingFile = nullptr;
thread_local std::string t_pendingLine;  // a line FFmpeg has not finished yet
thread_local log::Level t_pendingLevel = log::Level::Debug;

std::optional<log::Level> logLevelOf(int ffmpegLevel) {
  if (ffmpegLevel <= AV_LOG_FATAL) return log::Level::Critical;
  if (ffmpegLevel <= AV_LOG_WARNING) return log::Level::Warning;
  // FFmpeg's info and verbose lines ("overread, skip …", stream layouts) describe a decode that
  // went fine; in a library scan of thousands of files they are noise unless asked for.
  if (ffmpegLevel <= AV_LOG_DEBUG) return log::Level::Debug;
  return std::nullopt;
}

void trimLineEnd(std::string& text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
}

void logCallback(void* avcl, int level, const char* fmt, va_list args) {
  const std::optional<log::Level> logLevel = logLevelOf(level);
  const bool capture = level <= AV_LOG_ERROR && avcl != nullptr && avcl == t_capture.codec &&
                       t_capture.text != nullptr && t_capture.text->empty();
  const bool logged = logLevel && log::enabled(log::Area::Audio, *logLevel);
  if (!capture && !logged) return;

  char text[1024];
  int printPrefix = 0;  // the component is named below, without av_log's "@ 0x..." address
  av_log_format_line2(avcl, level, fmt, args, text, sizeof text, &printPrefix);
  std::string piece(text);
  if (capture) {
    *t_capture.text = piece;
    trimLineEnd(*t_capture.text);
  }
  if (!logged) return;

  if (t_pendingLine.empty()) {
    t_pendingLevel = *logLevel;
    if (t_decodingFile != nullptr) t_pendingLine = t_decodingFile->string() + ": ";
    const AVClass* cls = avcl != nullptr ? *static_cast<const AVClass* const*>(avcl) : nullptr;
    if (cls != nullptr && cls->item_name != nullptr) {
      t_pendingLine += std::string("[") + cls->item_name(avcl) + "] ";
    }
  }
  t_pendingLine += piece;
  if (piece.empty() || piece.back() != '\n') return;
  trimLineEnd(t_pendingLine);
  log::write(log::Area::Audio, t_pendingLevel, t_pendingLine);
  t_pendingLine.clear();
}

// Names the file in this thread's FFmpeg lines while it is decoded; a line FFmpeg left unfinished
// goes out when the decode ends rather than being prefixed to the next file's.
class DecodingFileScope {
 public:
  explicit DecodingFileScope(const std::filesystem::path& file) { t_decodingFile = &file; }
  ~DecodingFileScope() {
    if (!t_pendingLine.empty()) {
      trimLineEnd(t_pendingLine);
      log::write(log::Area::Audio, t_pendingLevel, t_pendingLine);
      t_pendingLine.clear();
    }
    t_decodingFile = nullptr;
  }
  DecodingFileScope(const DecodingFileScope&) = delete;
  DecodingFileScope& operator=(const DecodingFileScope&) = delete;
};

// Installed on the first decode. The global level only matters to FFmpeg code that checks it
// before doing extra work for its debug output; the callback filters by the log's own rules.
void routeFfmpegLogOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_level(log::enabled(log::Area::Audio, log::Level::Debug) ? AV_LOG_DEBUG
                                                                       : AV_LOG_WARNING);
    av_log_set_callback(&logCallback);
  });
}

struct FormatClose {
  void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecFree {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct SwrFree {
  void operator()(SwrContext* c) const { swr_free(&c); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};

std::string errorText(int error) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(error, text, sizeof text);
  return text;
}

std::string seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, value < 10 ? "%.3f s" : "%.2f s", value);
  return text;
}

base::Status fail(base::ErrorCode error, std::string message) {
  return base::Status::failure(error, std::move(message));
}

// How sure FFmpeg is, from the first bytes alone (not the file name), that this is a format it
// knows. Only asked when opening failed, to tell a damaged media file from a non-media one.
int contentProbeScore(const std::filesystem::path& file, std::string* formatName) {
  constexpr std::size_t kProbeBytes = 1 << 16;
  std::vector<unsigned char> buffer(kProbeBytes + AVPROBE_PADDING_SIZE, 0);
  std::FILE* stream = std::fopen(file.c_str(), "rb");
  if (!stream) return 0;
  const std::size_t read = std::fread(buffer.data(), 1, kProbeBytes, stream);
  std::fclose(stream);
  AVProbeData probe{};
  probe.filename = "";
  probe.buf = buffer.data();
  probe.buf_size = int(read);
  int score = 0;
  const AVInputFormat* format = av_probe_input_format3(&probe, 1, &score);
  if (!format) return 0;
  *formatName = format->name;
  return score;
}

class StreamDecoder {
 public:
  StreamDecoder(const SampleSink& sink, DecodeReport& report, const DecodeOptions& options)
      : m_sink(sink), m_report(report), m_options(options), m_block(options.blockSamples) {}

  base::Status run(const std::filesystem::path& file);

 private:
  base::Status open(const std::filesystem::path& file);
  base::Status openCodec(const AVCodec* codec);
  base::Status decodeAll();
  bool sendAndDrain(const AVPacket* packet, double at);
  bool consume(const AVFrame& frame);
  bool configureResampler(const AVFrame& frame);
  bool configureProbe(const AVFrame& frame, AVChannelLayout& in);
  bool probe(const AVFrame& frame);
  bool drainResampler();
  bool emit(const float* data, std::size_t count);
  bool deliverBlock();
  void reject(double at);
  double packetSeconds(const AVPacket& packet) const;
  double outputSeconds() const { return double(m_outSamples) / m_options.sampleRate; }
  base::Status classify();

  const SampleSink& m_sink;
  DecodeReport& m_report;
  const DecodeOptions& m_options;
  std::unique_ptr<AVFormatContext, FormatClose> m_format;
  std::unique_ptr<AVCodecContext, CodecFree> m_codec;
  std::unique_ptr<SwrContext, SwrFree> m_swr;
  // DecodeOptions::measureSource: (mid, side) at the source rate, for sampled frames only.
  std::unique_ptr<SwrContext, SwrFree> m_probeSwr;
  std::unique_ptr<SourceProbe> m_probe;
  std::vector<float> m_probeConvert;
  std::unique_ptr<AVPacket, PacketFree> m_packet{av_packet_alloc()};
  std::unique_ptr<AVFrame, FrameFree> m_frame{av_frame_alloc()};
  AVStream* m_stream = nullptr;
  // The input format the resampler is configured for; a change mid-stream rebuilds it.
  AVChannelLayout m_swrLayout{};
  int m_swrFormat = -1;
  int m_swrRate = 0;
  std::vector<float> m_block;  // the block being filled for the sink
  std::size_t m_blockFill = 0;
  std::vector<float> m_convert;  // resampler output, grown once to the largest frame
  std::int64_t m_outSamples = 0;
  int m_packets = 0;
  int m_rejected = 0;
  std::int64_t m_frames = 0;
  double m_firstBadAt = -1;
  bool m_packetRejected = false;
  bool m_stopped = false;  // the sink asked to stop
  bool m_gaveUp = false;   // unreadable data without progress: the stream's end was not reached
  bool m_failed = false;   // the resampler could not be set up or run
  bool m_declaredReliable = false;
  std::string m_codecError;
};

base::Status StreamDecoder::run(const std::filesystem::path& file) {
  if (!m_packet || !m_frame) return fail(base::ErrorCode::Io, "out of memory");
  const std::filesystem::path logName =
      m_options.logName.empty() ? file : std::filesystem::path(m_options.logName);
  const DecodingFileScope logScope(logName);
  if (base::Status status = open(file); !status.ok()) return status;
  t_capture = {m_codec.get(), &m_codecError};
  base::Status status = decodeAll();
  t_capture = {};
  av_channel_layout_uninit(&m_swrLayout);
  m_report.decodedSeconds = outputSeconds();
  m_report.complete = status.ok() && !m_stopped && !m_gaveUp;
  m_report.corruptPackets = m_rejected;
  if (m_probe) m_report.source = m_probe->result();
  return status.ok() ? classify() : status;
}

base::Status StreamDecoder::open(const std::filesystem::path& file) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec == std::errc::permission_denied)
    return fail(base::ErrorCode::PermissionDenied, "permission denied");
  if (!std::filesystem::exists(status)) return fail(base::ErrorCode::NotFound, "no such file");
  if (std::filesystem::is_directory(status))
    return fail(base::ErrorCode::NotAudio, "a directory, not a file");
  if (std::filesystem::is_regular_file(status) && std::filesystem::file_size(file, ec) == 0 &&
      !ec) {
    return fail(base::ErrorCode::TooShort, "empty file");
  }

  // "file:" keeps a name like "Artist: Title.mp3" from being read as a protocol; native() bytes
  // keep non-UTF-8 names intact; the whitelist stops playlists from reaching the network.
  const std::string url = "file:" + file.native();
  AVDictionary* dict = nullptr;
  av_dict_set(&dict, "protocol_whitelist", "file", 0);
  AVFormatContext* raw = nullptr;
  const int opened = avformat_open_input(&raw, url.c_str(), nullptr, &dict);
  av_dict_free(&dict);
  if (opened < 0) {
    if (opened == AVERROR(ENOENT)) return fail(base::ErrorCode::NotFound, "no such file");
    if (opened == AVERROR(EACCES) || opened == AVERROR(EPERM)) {
      return fail(base::ErrorCode::PermissionDenied, "permission denied");
    }
    if (opened == AVERROR(EIO))
      return fail(base::ErrorCode::Io, "read error: " + errorText(opened));
    // The demuxer recognised the file but it ends inside its own header.
    if (opened == AVERROR_EOF)
      return fail(base::ErrorCode::Corrupt, "truncated inside the header at 0.00 s");
    std::string format;
    if (contentProbeScore(file, &format) > AVPROBE_SCORE_RETRY) {
      return fail(base::ErrorCode::Corrupt,
                  "damaged " + format + " header at 0.00 s (" + errorText(opened) + ")");
    }
    return fail(base::ErrorCode::NotAudio,
                "not a recognised audio file (" + errorText(opened) + ")");
  }
  m_format.reset(raw);
  m_report.formatName = m_format->iformat->name;
  // Failure here is not fatal: the streams found so far may still be decodable.
  avformat_find_stream_info(m_format.get(), nullptr);

  const AVCodec* codec = nullptr;
  const int index = av_find_best_stream(m_format.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (index == AVERROR_STREAM_NOT_FOUND || index == AVERROR_DECODER_NOT_FOUND) {
    for (unsigned i = 0; i < m_format->nb_streams; ++i) {
      const AVMediaType type = m_format->streams[i]->codecpar->codec_type;
      if (index == AVERROR_DECODER_NOT_FOUND && type == AVMEDIA_TYPE_AUDIO) {
        const AVCodecDescriptor* d =
            avcodec_descriptor_get(m_format->streams[i]->codecpar->codec_id);
        return fail(base::ErrorCode::Unsupported,
                    std::string("no decoder for audio codec ") + (d ? d->name : "unknown"));
      }
      if (type == AVMEDIA_TYPE_VIDEO) {
        return fail(base::ErrorCode::NoAudioStream, "no audio stream (video or image only)");
      }
    }
    return fail(base::ErrorCode::NotAudio, "no audio stream: not a recognised audio file");
  }
  if (index < 0)
    return fail(base::ErrorCode::NotAudio, "no audio stream (" + errorText(index) + ")");
  m_stream = m_format->streams[index];
  for (unsigned i = 0; i < m_format->nb_streams; ++i) {
    if (int(i) != index) m_format->streams[i]->discard = AVDISCARD_ALL;
  }

  const AVCodecParameters& par = *m_stream->codecpar;
  m_report.codecName = codec->name;
  m_report.sourceSampleRate = par.sample_rate;
  m_report.sourceChannels = par.ch_layout.nb_channels;
  if (m_stream->duration != AV_NOPTS_VALUE && m_stream->duration > 0) {
    m_report.declaredSeconds = double(m_stream->duration) * av_q2d(m_stream->time_base);
  } else if (m_format->duration != AV_NOPTS_VALUE && m_format->duration > 0) {
    m_report.declaredSeconds = double(m_format->duration) / AV_TIME_BASE;
  }
  // A duration guessed from the bitrate (e.g. VBR MP3 without a Xing header) is no evidence of
  // truncation.
  m_declaredReliable = m_format->duration_estimation_method != AVFMT_DURATION_FROM_BITRATE;
  return openCodec(codec);
}

base::Status StreamDecoder::openCodec(const AVCodec* codec) {
  m_codec.reset(avcodec_alloc_context3(codec));
  if (!m_codec) return fail(base::ErrorCode::Io, "out of memory");
  if (avcodec_parameters_to_context(m_codec.get(), m_stream->codecpar) < 0) {
    return fail(base::ErrorCode::Corrupt, "invalid codec parameters at 0.00 s");
  }
  m_codec->thread_count = 1;                   // we parallelise across files, not inside one
  m_codec->err_recognition |= AV_EF_CRCCHECK;  // reject damaged lossless frames, not play noise
  m_codec->pkt_timebase = m_stream->time_base;
  if (const int ret = avcodec_open2(m_codec.get(), codec, nullptr); ret < 0) {
    return fail(base::ErrorCode::Corrupt, "cannot open the " + std::string(codec->name) +
                                              " decoder at 0.00 s (" + errorText(ret) + ")");
  }
  return base::Status::success();
}

double StreamDecoder::packetSeconds(const AVPacket& packet) const {
  const std::int64_t ts = packet.pts != AV_NOPTS_VALUE ? packet.pts : packet.dts;
  if (ts == AV_NOPTS_VALUE) return outputSeconds();
  const std::int64_t start = m_stream->start_time != AV_NOPTS_VALUE ? m_stream->start_time : 0;
  return std::max(0.0, double(ts - start) * av_q2d(m_stream->time_base));
}

void StreamDecoder::reject(double at) {
  if (m_packetRejected) return;  // one count per packet, however many errors it caused
  m_packetRejected = true;
  ++m_rejected;
  if (m_firstBadAt < 0) m_firstBadAt = at;
}

base::Status StreamDecoder::decodeAll() {
  int consecutiveErrors = 0;
  while (!m_stopped && !m_failed) {
    if (m_options.cancel && m_options.cancel->load(std::memory_order_relaxed)) {
      return fail(base::ErrorCode::Cancelled, "cancelled after " + seconds(outputSeconds()));
    }
    const int ret = av_read_frame(m_format.get(), m_packet.get());
    if (ret == AVERROR_EOF) break;
    if (ret == AVERROR(EIO)) {
      return fail(base::ErrorCode::Io,
                  "read error at " + seconds(outputSeconds()) + ": " + errorText(ret));
    }
    if (ret < 0) {  // damaged container data: count it like a rejected packet, try to resync
      m_packetRejected = false;
      ++m_packets;
      reject(outputSeconds());
      if (++consecutiveErrors > kMaxConsecutiveReadErrors) {
        m_gaveUp = true;
        break;
      }
      continue;
    }
    consecutiveErrors = 0;
    if (m_packet->stream_index != m_stream->index) {
      av_packet_unref(m_packet.get());
      continue;
    }
    ++m_packets;
    m_packetRejected = false;
    const double at = packetSeconds(*m_packet);
    sendAndDrain(m_packet.get(), at);
    av_packet_unref(m_packet.get());
  }
  if (!m_stopped && !m_failed) {
    m_packetRejected = false;
    sendAndDrain(nullptr, outputSeconds());  // the codec's delayed frames
    drainResampler();                        // and the resampler's tail
  }
  if (m_failed)
    return fail(base::ErrorCode::Unsupported, "cannot convert this sample format or layout");
  if (!m_stopped && m_blockFill > 0) deliverBlock();
  return base::Status::success();
}

bool StreamDecoder::sendAndDrain(const AVPacket* packet, double at) {
  if (avcodec_send_packet(m_codec.get(), packet) < 0) {
    reject(at);
    return true;
  }
  int ret = 0;
  while ((ret = avcodec_receive_frame(m_codec.get(), m_frame.get())) >= 0) {
    ++m_frames;
    const bool more = consume(*m_frame);
    av_frame_unref(m_frame.get());
    if (!more) return false;
  }
  if (ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) reject(at);
  return true;
}

bool StreamDecoder::configureResampler(const AVFrame& frame) {
  if (m_swr) drainResampler();
  m_swr.reset();
  av_channel_layout_uninit(&m_swrLayout);
  const int channels = frame.ch_layout.nb_channels;
  if (channels <= 0 || channels > kMaxChannels || frame.sample_rate < kMinSourceSampleRate ||
      frame.sample_rate > kMaxSourceSampleRate) {
    return false;
  }
  if (av_channel_layout_copy(&m_swrLayout, &frame.ch_layout) < 0) return false;
  m_swrFormat = frame.format;
  m_swrRate = frame.sample_rate;
  AVChannelLayout in{};
  if (frame.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
    av_channel_layout_default(&in, channels);
  } else {
    av_channel_layout_copy(&in, &frame.ch_layout);
  }
  AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;  // FFmpeg 5.1 takes it non-const
  SwrContext* raw = nullptr;
  int ret = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, m_options.sampleRate, &in,
                                AVSampleFormat(frame.format), frame.sample_rate, 0, nullptr);
  // The source statistics are a side measurement: when their converter cannot be set up they
  // stay at zero and the decode goes on.
  if (m_options.measureSource && !configureProbe(frame, in)) m_probe.reset();
  av_channel_layout_uninit(&in);
  m_swr.reset(raw);
  if (ret < 0) return false;
  // Mono is the plain mean of all channels (LFE and surrounds included), not swresample's
  // default downmix, so a file's channel layout cannot change its features.
  const std::vector<double> mean(std::size_t(channels), 1.0 / channels);
  ret = swr_set_matrix(m_swr.get(), mean.data(), channels);
  if (ret >= 0) ret = swr_init(m_swr.get());
  if (ret < 0) {
    m_swr.reset();
    return false;
  }
  if (m_report.sourceSampleRate <= 0) m_report.sourceSampleRate = frame.sample_rate;
  if (m_report.sourceChannels <= 0) m_report.sourceChannels = channels;
  return true;
}

bool StreamDecoder::configureProbe(const AVFrame& frame, AVChannelLayout& in) {
  m_probeSwr.reset();
  const int channels = in.nb_channels;
  AVChannelLayout stereo = AV_CHANNEL_LAYOUT_STEREO;  // non-const in FFmpeg 5.1, as `in`
  SwrContext* raw = nullptr;
  int ret = swr_alloc_set_opts2(&raw, &stereo, AV_SAMPLE_FMT_FLT, frame.sample_rate, &in,
                                AVSampleFormat(frame.format), frame.sample_rate, 0, nullptr);
  m_probeSwr.reset(raw);
  if (ret < 0) return false;
  // Row 0: mid, the same mean of all channels as the analysed mono. Row 1: side, (FL − FR) / 2,
  // zero when the layout has no front pair.
  std::vector<double> matrix(2 * std::size_t(channels), 0.0);
  for (int c = 0; c < channels; ++c) matrix[std::size_t(c)] = 1.0 / channels;
  const int left = av_channel_layout_index_from_channel(&in, AV_CHAN_FRONT_LEFT);
  const int right = av_channel_layout_index_from_channel(&in, AV_CHAN_FRONT_RIGHT);
  if (left >= 0 && right >= 0) {
    matrix[std::size_t(channels) + std::size_t(left)] = 0.5;
    matrix[std::size_t(channels) + std::size_t(right)] = -0.5;
  }
  ret = swr_set_matrix(m_probeSwr.get(), matrix.data(), channels);
  if (ret >= 0) ret = swr_init(m_probeSwr.get());
  if (ret < 0) {
    m_probeSwr.reset();
    return false;
  }
  // A new source rate mid-stream starts the measurement again at that rate.
  if (!m_probe || m_probe->sampleRate() != frame.sample_rate)
    m_probe = std::make_unique<SourceProbe>(frame.sample_rate);
  return true;
}

bool StreamDecoder::probe(const AVFrame& frame) {
  if (!m_probe || !m_probeSwr || m_probe->skip(std::size_t(frame.nb_samples))) return true;
  const int capacity = swr_get_out_samples(m_probeSwr.get(), frame.nb_samples);
  if (capacity <= 0) return true;
  if (m_probeConvert.size() < 2 * std::size_t(capacity))
    m_probeConvert.resize(2 * std::size_t(capacity));
  auto* out = reinterpret_cast<std::uint8_t*>(m_probeConvert.data());
  const int produced =
      swr_convert(m_probeSwr.get(), &out, capacity,
                  const_cast<const std::uint8_t**>(frame.extended_data), frame.nb_samples);
  if (produced < 0) return false;
  m_probe->add(std::span<const float>(m_probeConvert.data(), 2 * std::size_t(produced)));
  return true;
}

bool StreamDecoder::consume(const AVFrame& frame) {
  if (!m_swr || frame.format != m_swrFormat || frame.sample_rate != m_swrRate ||
      av_channel_layout_compare(&frame.ch_layout, &m_swrLayout) != 0) {
    if (!configureResampler(frame)) {
      m_failed = true;
      return false;
    }
  }
  if (m_options.measureSource && !probe(frame)) m_probe.reset();
  // The frame goes in with the first call; what does not fit in kMaxConvertSamples stays in the
  // resampler, and calls with no new input (a non-null input of 0 samples: a null one would
  // flush the filter's tail mid-stream) take it out.
  const auto** in = const_cast<const std::uint8_t**>(frame.extended_data);
  int inSamples = frame.nb_samples;
  for (;;) {
    const int capacity = std::min(swr_get_out_samples(m_swr.get(), inSamples), kMaxConvertSamples);
    if (capacity <= 0) return true;
    if (m_convert.size() < std::size_t(capacity)) m_convert.resize(std::size_t(capacity));
    auto* out = reinterpret_cast<std::uint8_t*>(m_convert.data());
    const int produced = swr_convert(m_swr.get(), &out, capacity, in, inSamples);
    if (produced < 0) {
      m_failed = true;
      return false;
    }
    if (!emit(m_convert.data(), std::size_t(produced))) return false;
    if (produced < capacity) return true;
    inSamples = 0;
  }
}

bool StreamDecoder::drainResampler() {
  if (!m_swr) return true;
  for (;;) {
    const int capacity = std::min(swr_get_out_samples(m_swr.get(), 0), kMaxConvertSamples);
    if (capacity <= 0) return true;
    if (m_convert.size() < std::size_t(capacity)) m_convert.resize(std::size_t(capacity));
    auto* out = reinterpret_cast<std::uint8_t*>(m_convert.data());
    const int produced = swr_convert(m_swr.get(), &out, capacity, nullptr, 0);
    if (produced <= 0) return true;
    if (!emit(m_convert.data(), std::size_t(produced))) return false;
  }
}

bool StreamDecoder::emit(const float* data, std::size_t count) {
  while (count > 0) {
    const std::size_t take = std::min(count, m_block.size() - m_blockFill);
    float* to = m_block.data() + m_blockFill;
    // Lossy decoders and the resampler may overshoot full scale slightly; the contract is [-1, 1].
    for (std::size_t i = 0; i < take; ++i) to[i] = std::clamp(data[i], -1.0f, 1.0f);
    m_blockFill += take;
    data += take;
    count -= take;
    if (m_blockFill == m_block.size() && !deliverBlock()) return false;
  }
  return true;
}

bool StreamDecoder::deliverBlock() {
  m_outSamples += std::int64_t(m_blockFill);
  const bool more = m_sink(std::span<const float>(m_block.data(), m_blockFill));
  m_blockFill = 0;
  if (!more) m_stopped = true;
  return more;
}

base::Status StreamDecoder::classify() {
  const double decoded = m_report.decodedSeconds;
  const double declared = m_report.declaredSeconds;
  const std::string firstBad = seconds(std::max(0.0, m_firstBadAt));
  const std::string why = m_codecError.empty() ? std::string() : " (" + m_codecError + ")";
  const std::string skipped = std::to_string(m_rejected) + " of " + std::to_string(m_packets) +
                              " packets corrupt, first at " + firstBad + why;
  // Low probe confidence means FFmpeg only guessed the format (often from the file extension):
  // a file that then fails to decode was not audio in the first place.
  const bool guessed = m_format->probe_score <= AVPROBE_SCORE_RETRY;
  if (m_rejected > 0) {
    m_report.warnings.push_back(skipped);
  }
  const bool truncated = m_declaredReliable && declared > 0 &&
                         decoded < kTruncatedFraction * declared &&
                         declared - decoded > kTruncatedMinMissingSeconds;
  const std::string truncation =
      "truncated: decoded " + seconds(decoded) + " of declared " + seconds(declared);
  if (m_stopped) return base::Status::success();  // the caller has what it asked for

  if (m_frames == 0) {
    if (m_rejected > 0 || guessed) {
      return fail(base::ErrorCode::NotAudio,
                  "no decodable audio data" + (m_rejected > 0 ? ": " + skipped : std::string()));
    }
    if (truncated) return fail(base::ErrorCode::Corrupt, truncation);
    return fail(base::ErrorCode::TooShort, "no audio samples");
  }
  if (m_rejected > 0 && double(m_rejected) >= kMaxRejectedFraction * m_packets) {
    return fail(guessed ? base::ErrorCode::NotAudio : base::ErrorCode::Corrupt, skipped);
  }
  if (decoded < m_options.minSeconds) {
    if (truncated) {
      return fail(base::ErrorCode::Corrupt,
                  truncation + (m_rejected > 0 ? "; " + skipped : std::string()));
    }
    return fail(base::ErrorCode::TooShort, seconds(decoded) + " of audio, less than the minimum " +
                                               seconds(m_options.minSeconds));
  }
  std::string duration =
      m_report.complete
          ? durationWarning(declared, decoded,
                            m_declaredReliable ? DurationClaim::Declared : DurationClaim::Estimated)
          : std::string();
  if (duration.empty() && truncated) duration = truncation;
  if (!duration.empty()) {
    m_report.warnings.push_back(std::move(duration));
    m_report.durationWarned = true;
  }
  return base::Status::success();
}

}  // namespace

std::string durationWarning(double claimedSeconds, double decodedSeconds, DurationClaim claim) {
  if (claimedSeconds <= 0 || std::abs(claimedSeconds - decodedSeconds) <= kDurationToleranceSeconds)
    return {};
  const std::string decoded = seconds(decodedSeconds);
  const std::string claimed = seconds(claimedSeconds);
  switch (claim) {
    case DurationClaim::Declared:
      if (decodedSeconds < claimedSeconds)
        return "truncated: decoded " + decoded + " of declared " + claimed;
      return "duration: the header declares " + claimed + ", the audio decodes to " + decoded;
    case DurationClaim::Estimated:
      return "duration: the header estimates " + claimed +
             " from the bitrate, the audio decodes to " + decoded;
    case DurationClaim::TagReader:
      return "duration: the tags reader says " + claimed + ", the audio decodes to " + decoded;
  }
  return {};
}

base::Status decodeAudio(const std::filesystem::path& file, const SampleSink& sink,
                         DecodeReport* report, const DecodeOptions& options) {
  DecodeReport local;
  DecodeReport& out = report ? *report : local;
  out = DecodeReport{};
  if (!DecodeOptions::kSampleRate.contains(options.sampleRate))
    return fail(base::ErrorCode::InvalidArgument,
                DecodeOptions::kSampleRate.validate(options.sampleRate));
  if (!DecodeOptions::kBlockSamples.contains(options.blockSamples))
    return fail(base::ErrorCode::InvalidArgument,
                DecodeOptions::kBlockSamples.validate(options.blockSamples));
  if (!DecodeOptions::kMinSeconds.contains(options.minSeconds))
    return fail(base::ErrorCode::InvalidArgument,
                DecodeOptions::kMinSeconds.validate(options.minSeconds));
  if (!sink) return fail(base::ErrorCode::InvalidArgument, "no sample sink given");
  routeFfmpegLogOnce();
  StreamDecoder decoder(sink, out, options);
  return decoder.run(file);
}

}  // namespace songspace::audio
