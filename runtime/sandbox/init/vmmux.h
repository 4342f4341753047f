#pragma once
// The byte protocol between a microVM's guest and its launcher, over one
// virtio-serial port (the guest has no network device). Every Unix socket a
// sandbox is given (the gateway, the egress proxy) is a listening socket in
// the guest; each connection to it is a channel of this stream, and the
// launcher connects the channel to the real host socket. Plain C++ with no
// dependencies: the guest's static init and the launcher both include it.
//
// A frame is a 12-byte header, then `length` bytes of payload:
//   uint32 channel (little endian), uint32 length (little endian),
//   uint8 type, 3 bytes of zero.
// Types:
//   Open  guest -> host: a new channel (ids are never reused within a boot);
//         payload: uint32 little endian, the index of the target socket in
//         the launcher's list (the order of SandboxSpec::sockets).
//   Data  both ways: bytes of the channel, 1..kMaxPayload of them.
//   Eof   both ways: the sender sends no more data on the channel (a
//         half close, like shutdown(SHUT_WR)).
//   Close both ways: the channel is gone (refused, reset or finished); the
//         receiver forgets it and sends nothing more on it.
//   Signal host -> guest, channel 0: payload one byte, a signal number the
//         guest passes to its init (SIGTERM, SIGINT or SIGHUP; others are
//         ignored), which passes it on to the command.
// Anything else (an unknown type, a payload over kMaxPayload, non-zero
// padding, Open of a known channel) ends the whole stream: the other side
// is not speaking this protocol.

#include <cstddef>
#include <cstdint>

namespace osh::vmmux {

enum class FrameType : std::uint8_t { Open = 1, Data = 2, Eof = 3, Close = 4, Signal = 5 };

constexpr std::size_t kHeaderSize = 12;
constexpr std::uint32_t kMaxPayload = 65536;
// The virtio-serial port's name in the guest (/sys/class/virtio-ports/*/name).
constexpr const char *kPortName = "org.openshell.mux";
// Ports carrying the command's standard output and error.
constexpr const char *kStdoutPortName = "org.openshell.stdout";
constexpr const char *kStderrPortName = "org.openshell.stderr";
// Data and Eof on channel 0, host -> guest: the command's standard input
// (an interactive session; otherwise the guest ignores them).
constexpr std::uint32_t kStdinChannel = 0;

struct FrameHeader
{
    std::uint32_t channel = 0;
    std::uint32_t length = 0;
    FrameType type = FrameType::Data;
};

inline void putU32(unsigned char *p, std::uint32_t v)
{
    p[0] = static_cast<unsigned char>(v);
    p[1] = static_cast<unsigned char>(v >> 8);
    p[2] = static_cast<unsigned char>(v >> 16);
    p[3] = static_cast<unsigned char>(v >> 24);
}

inline std::uint32_t getU32(const unsigned char *p)
{
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8
        | static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

inline void encodeHeader(const FrameHeader &h, unsigned char out[kHeaderSize])
{
    putU32(out, h.channel);
    putU32(out + 4, h.length);
    out[8] = static_cast<unsigned char>(h.type);
    out[9] = out[10] = out[11] = 0;
}

// false when the header is not one this protocol allows.
inline bool decodeHeader(const unsigned char in[kHeaderSize], FrameHeader *h)
{
    h->channel = getU32(in);
    h->length = getU32(in + 4);
    const unsigned t = in[8];
    if (in[9] != 0 || in[10] != 0 || in[11] != 0 || t < 1 || t > 5)
        return false;
    h->type = static_cast<FrameType>(t);
    switch (h->type) {
    case FrameType::Open:
        return h->length == 4;
    case FrameType::Data:
        return h->length >= 1 && h->length <= kMaxPayload;
    case FrameType::Eof:
    case FrameType::Close:
        return h->length == 0;
    case FrameType::Signal:
        return h->channel == 0 && h->length == 1;
    }
    return false;
}

} // namespace osh::vmmux
