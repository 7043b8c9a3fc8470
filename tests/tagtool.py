#!/usr/bin/python3
"""Independent tag reader and fixture maker for the tag-writing tests (tst_tagcarry).

Uses only Debian's python3-mutagen and ffmpeg/ffprobe, never TagLib, so that what Songspace
writes is judged by other readers.

  tagtool.py make DIR      writes one small file per container/tag combination into DIR and
                           prints their names, one a line
  tagtool.py dump FILE     prints JSON {"raw": ..., "merged": ..., "ffprobe": ...}:
                           raw     every tag the file carries in its stored form (ID3v2 frames with
                                   their encoding and value lists, the ID3 version, the ID3v1 bytes,
                                   APEv2 items with their kind, Vorbis comments in order, MP4 atoms
                                   with their data types, FLAC pictures)
                           merged  the fields as a player shows them: for each field the value of
                                   the first tag that has it (MP3: ID3v2, then APEv2, then ID3v1;
                                   FLAC: Vorbis comment, then an ID3v2/ID3v1 tag around the stream),
                                   lower-case names ("title", "genre", "txxx names", ...); FLAC:
                                   the Vorbis comment when there is one (else the ID3v2/ID3v1
                                   tags) and the pictures, as FLAC readers show them
                           ffprobe ffprobe's format and stream tags, lower-case names
  tagtool.py dump-tags FILE  the same without asking ffprobe ("ffprobe": {})
"""
import json
import os
import subprocess
import sys

import mutagen
from mutagen.apev2 import APEv2, APENoHeaderError
from mutagen.flac import FLAC, Picture
from mutagen.id3 import (APIC, COMM, ID3, ID3NoHeaderError, PRIV, TALB, TCOM, TCON, TDRC, TIT2,
                         TMOO, TPE1, TPE2, TPOS, TRCK, TXXX, TYER)
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

# ---------------------------------------------------------------------------------------------
# make


def ffmpeg(args, out):
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "sine=f=330:d=1", "-ac", "1", "-map_metadata", "-1", "-fflags", "+bitexact",
                    "-flags:a", "+bitexact"] + args + [out], check=True)


def mp3_base(path):
    # No ID3v2 header at all: the combinations below add exactly the tags they name.
    ffmpeg(["-ar", "22050", "-c:a", "libmp3lame", "-b:a", "32k", "-id3v2_version", "0",
            "-write_xing", "0"], path)


def id3v1(title, artist, album, year, comment, track, genre):
    return (b"TAG" + title.ljust(30, b"\0") + artist.ljust(30, b"\0") + album.ljust(30, b"\0") +
            year + comment.ljust(28, b"\0") + b"\0" + bytes([track, genre]))


def append(path, data):
    with open(path, "ab") as f:
        f.write(data)


def ape(path, items):
    tag = APEv2()
    for key, value in items.items():
        tag[key] = value
    tag.save(path)


def id3_full(version):
    """A rich ID3v2 tag: several encodings, multi-valued frames, custom and binary frames."""
    t = ID3()
    t.add(TIT2(encoding=0, text=["v2 title"]))
    t.add(TPE1(encoding=1, text=["Ærø Ensemble"]))
    t.add(TALB(encoding=1 if version == 3 else 3, text=["v2 album"]))
    t.add(TPE2(encoding=0, text=["Various"]))
    if version == 3:
        t.add(TYER(encoding=0, text=["2003"]))
    else:
        t.add(TDRC(encoding=3, text=["2004-05-06"]))
    t.add(TRCK(encoding=0, text=["3/12"]))
    t.add(TPOS(encoding=0, text=["1/2"]))
    # The example: two genres, NUL-separated, with the trailing NUL some writers leave.
    t.add(TCON(encoding=0, text=["Rock", "Jazz", ""]))
    t.add(TCOM(encoding=1, text=["Composer Å"]))
    t.add(COMM(encoding=0, lang="eng", desc="", text=["a comment"]))
    t.add(COMM(encoding=0, lang="eng", desc="iTunNORM", text=[" 00000001 00000002"]))
    t.add(TXXX(encoding=0, desc="CUSTOM", text=["first", "second"]))
    t.add(TXXX(encoding=1, desc="REPLAYGAIN_TRACK_GAIN", text=["-3.20 dB"]))
    if version == 4:
        t.add(TMOO(encoding=3, text=["Calm", "Dark"]))
    t.add(PRIV(owner="songspace.test", data=b"\x00\x01\x02binary"))
    t.add(APIC(encoding=0, mime="image/png", type=3, desc="", data=b"\x89PNG\r\n\x1a\nnotreally"))
    return t


def vorbis_fields(tags):
    tags["TITLE"] = ["vorbis title"]
    tags["ARTIST"] = ["First Artist", "Second Artist"]
    tags["ALBUM"] = ["vorbis album"]
    tags["ALBUMARTIST"] = ["Various"]
    tags["DATE"] = ["2005"]
    tags["TRACKNUMBER"] = ["4"]
    tags["TRACKTOTAL"] = ["9"]
    tags["DISCNUMBER"] = ["2"]
    tags["GENRE"] = ["Folk, World, & Country", "Ambient"]
    tags["COMPOSER"] = ["Composer Å"]
    tags["COMMENT"] = ["a comment"]
    tags["CUSTOM_FIELD"] = ["x", "y"]
    tags["REPLAYGAIN_TRACK_GAIN"] = ["-1.00 dB"]


def make(out):
    os.makedirs(out, exist_ok=True)
    made = []

    def path(name):
        made.append(name)
        return os.path.join(out, name)

    # MP3: only the legacy tags, as old rippers and MP3Gain leave them.
    p = path("mp3-id3v1.mp3")
    mp3_base(p)
    append(p, id3v1(b"v1 title", b"someone", b"v1 album", b"1999", b"comment", 3, 17))

    p = path("mp3-ape.mp3")
    mp3_base(p)
    ape(p, {"Title": "ape title", "Artist": "ape artist", "Album": "ape album",
            "Album Artist": "Various", "Year": "2001", "Track": "5/10", "Disc": "1/1",
            "Genre": "Rock", "Composer": "ape composer", "Comment": "ape comment",
            "MP3GAIN_MINMAX": "120,210", "REPLAYGAIN_TRACK_GAIN": "-2.10 dB",
            "Custom Multi": ["one", "two"]})

    # MP3: ID3v2.3 (NUL-separated values, v23_sep=None) and ID3v2.4.
    for version in (3, 4):
        p = path(f"mp3-v2{version}.mp3")
        mp3_base(p)
        id3_full(version).save(p, v2_version=version, v23_sep=None, v1=0)

    # MP3: ID3v2.4 with an ID3v1 copy, as LAME, iTunes and ffmpeg write them.
    p = path("mp3-v24-v1.mp3")
    mp3_base(p)
    t = ID3()
    t.add(TIT2(encoding=3, text=["both title"]))
    t.add(TPE1(encoding=3, text=["both artist"]))
    t.add(TCON(encoding=3, text=["Rock"]))
    t.save(p, v2_version=4, v1=0)
    append(p, id3v1(b"both title", b"both artist", b"v1 only album", b"1998", b"v1 comment", 7,
                    17))

    # MP3: all three at once, each holding fields the others lack.
    p = path("mp3-all.mp3")
    mp3_base(p)
    t = ID3()
    t.add(TIT2(encoding=1, text=["v2 title"]))
    t.add(TXXX(encoding=1, desc="CUSTOM", text=["from v2"]))
    t.save(p, v2_version=3, v23_sep=None, v1=0)
    ape(p, {"Artist": "ape artist", "Album": "ape album", "Genre": "Jazz",
            "MP3GAIN_MINMAX": "100,200"})
    append(p, id3v1(b"v1 title", b"v1 artist", b"v1 album", b"1997", b"v1 comment", 2, 17))

    # FLAC: a Vorbis comment with multiple values, custom fields and a picture.
    p = path("flac-vorbis.flac")
    ffmpeg(["-ar", "22050", "-c:a", "flac"], p)
    f = FLAC(p)
    f.delete()
    vorbis_fields(f)
    pic = Picture()
    pic.type, pic.mime, pic.data = 3, "image/png", b"\x89PNG\r\n\x1a\nnotreally"
    f.add_picture(pic)
    f.save()

    # FLAC with an ID3v2.3 tag in front of "fLaC" and an empty Vorbis comment (old EAC/foobar
    # rips), and one whose ID3v2 and Vorbis comment both speak.
    p = path("flac-id3.flac")
    ffmpeg(["-ar", "22050", "-c:a", "flac"], p)
    FLAC(p).delete()
    id3_full(3).save(p, v2_version=3, v23_sep=None, v1=0)

    p = path("flac-id3-vorbis.flac")
    ffmpeg(["-ar", "22050", "-c:a", "flac"], p)
    f = FLAC(p)
    f.delete()
    f["TITLE"] = ["vorbis title"]
    f["GENRE"] = ["Ambient"]
    f.save()
    id3_full(3).save(p, v2_version=3, v23_sep=None, v1=0)

    p = path("vorbis.ogg")
    ffmpeg(["-ar", "22050", "-c:a", "libvorbis", "-b:a", "32k"], p)
    f = OggVorbis(p)
    f.delete()
    vorbis_fields(f)
    f.save()

    p = path("opus.opus")
    ffmpeg(["-ar", "48000", "-c:a", "libopus", "-b:a", "32k"], p)
    f = OggOpus(p)
    f.delete()
    vorbis_fields(f)
    f.save()

    p = path("mp4.m4a")
    ffmpeg(["-ar", "22050", "-c:a", "aac", "-b:a", "32k"], p)
    f = MP4(p)
    f.delete()
    f["\xa9nam"] = ["mp4 title"]
    f["\xa9ART"] = ["mp4 artist"]
    f["\xa9alb"] = ["mp4 album"]
    f["aART"] = ["Various"]
    f["\xa9day"] = ["2006"]
    f["trkn"] = [(6, 11)]
    f["disk"] = [(1, 2)]
    f["\xa9gen"] = ["Rock", "Jazz"]
    f["\xa9wrt"] = ["Composer Å"]
    f["\xa9cmt"] = ["a comment"]
    f["----:com.apple.iTunes:CUSTOM"] = [MP4FreeForm(b"first"), MP4FreeForm(b"second")]
    f["----:com.apple.iTunes:MOOD"] = [MP4FreeForm(b"Calm")]
    f["covr"] = [MP4Cover(b"\x89PNG\r\n\x1a\nnotreally", imageformat=MP4Cover.FORMAT_PNG)]
    f.save()

    print("\n".join(made))


# ---------------------------------------------------------------------------------------------
# dump

def text_of(value):
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def id3_frame_raw(frame):
    return repr(frame)


def id3_raw(path):
    try:
        tag = ID3(path, translate=False, load_v1=False)
    except ID3NoHeaderError:
        return None
    frames = sorted(id3_frame_raw(f) for f in tag.values())
    return {"version": list(tag.version), "frames": frames}


def id3v1_raw(path):
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        if f.tell() < 128:
            return None
        f.seek(-128, os.SEEK_END)
        data = f.read(128)
    return data.hex() if data[:3] == b"TAG" else None


def vorbis_raw(tags):
    """Vorbis comment fields by name (as stored, case kept), each name's values in order. The
    order across names is not compared: TagLib writes the fields sorted by name. A missing
    comment block and an empty one both hold no field."""
    out = {}
    for key, value in (tags or []):
        out.setdefault(key, []).append(value)
    return out


def ape_raw(path):
    try:
        tag = APEv2(path)
    except APENoHeaderError:
        return None
    return {k: [type(v).__name__, (list(v) if hasattr(v, "__iter__") and not
                                    isinstance(v, bytes) and type(v).__name__ != "APEBinaryValue"
                                    else bytes(v.value).hex())] for k, v in tag.items()}


ID3_NAMES = {"TIT2": "title", "TPE1": "artist", "TALB": "album", "TPE2": "albumartist",
             "TDRC": "date", "TRCK": "tracknumber", "TPOS": "discnumber", "TCOM": "composer",
             "TMOO": "mood", "TIT1": "grouping"}
APE_NAMES = {"year": "date", "track": "tracknumber", "disc": "discnumber",
             "album artist": "albumartist"}


def id3_frames(path, v1):
    """mutagen's frames, upgraded to 2.4 names: those of the ID3v2 tag (v1=False) or those that
    only the ID3v1 tag supplies (v1=True; mutagen merges them into missing frames)."""
    try:
        v2 = ID3(path, load_v1=False)
        keys = set(v2.keys())
    except ID3NoHeaderError:
        v2, keys = None, set()
    if not v1:
        return list(v2.values()) if v2 is not None else []
    try:
        both = ID3(path, load_v1=True)
    except ID3NoHeaderError:
        return []
    return [f for k, f in both.items() if k not in keys]


def id3_merged(path, v1=False):
    out = {}
    for frame in id3_frames(path, v1):
        fid = frame.FrameID
        if fid == "TCON":
            out["genre"] = [g for g in frame.genres if g]
        elif fid in ID3_NAMES:
            out[ID3_NAMES[fid]] = [text_of(t) for t in frame.text if text_of(t)]
        elif fid == "TXXX":
            out[frame.desc.lower()] = [t for t in frame.text if t]
        elif fid == "COMM":
            # mutagen names the ID3v1 comment "ID3v1 Comment"; it is the file's plain comment.
            plain = frame.desc == "" or (v1 and frame.desc == "ID3v1 Comment")
            key = "comment" if plain else "comment:" + frame.desc.lower()
            out[key] = [t for t in frame.text if t]
        else:
            out["id3:" + frame.HashKey] = [repr(frame)]
    return out


def ape_merged(path):
    try:
        tag = APEv2(path)
    except APENoHeaderError:
        return {}
    out = {}
    for key, value in tag.items():
        name = APE_NAMES.get(key.lower(), key.lower())
        if type(value).__name__ == "APEBinaryValue":
            out["ape:" + name] = [bytes(value.value).hex()]
        else:
            out[name] = [v for v in value if v]
    return out


def vorbis_merged(tags):
    out = {}
    for key, value in tags:
        if value:
            out.setdefault(key.lower(), []).append(value)
    return out


MP4_NAMES = {"\xa9nam": "title", "\xa9ART": "artist", "\xa9alb": "album", "aART": "albumartist",
             "\xa9day": "date", "\xa9gen": "genre", "\xa9cmt": "comment", "\xa9wrt": "composer",
             "\xa9grp": "grouping"}


def mp4_value(value):
    if isinstance(value, tuple):
        return "/".join(str(v) for v in value)
    if isinstance(value, MP4Cover):
        return f"cover {value.imageformat} {bytes(value).hex()}"
    return text_of(value)


def mp4_raw(tags):
    out = {}
    for key, values in tags.items():
        out[key] = [repr(v) if not isinstance(v, bytes) else
                    f"{type(v).__name__}({getattr(v, 'dataformat', '')}, {bytes(v).hex()})"
                    for v in values]
    return out


def mp4_merged(tags):
    out = {}
    for key, values in tags.items():
        if key in MP4_NAMES:
            name = MP4_NAMES[key]
        elif key.startswith("----:"):
            name = key.split(":", 2)[2].lower()
        else:
            name = "mp4:" + key
        out[name] = [mp4_value(v) for v in values if mp4_value(v)]
    return out


def merge(*views):
    out = {}
    for view in views:
        for key, values in view.items():
            if key not in out and values:
                out[key] = values
    return out


def ffprobe_name(key):
    # ffmpeg names an ID3v2 comment with description D "d", and a Vorbis field COMMENT:D (TagLib's
    # name for it) "comment:d": the same field.
    key = key.lower()
    return key[len("comment:"):] if key.startswith("comment:") else key


def ffprobe(path):
    # The audio stream's and the file's tags (a FLAC picture block is a stream of its own).
    result = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "a", "-show_entries",
                             "format_tags:stream_tags", "-of", "json", path],
                            check=True, capture_output=True, text=True)
    data = json.loads(result.stdout)
    out = {}
    for section in [data.get("format", {})] + data.get("streams", []):
        for key, value in section.get("tags", {}).items():
            out[ffprobe_name(key)] = value
    return out


def dump(path, probe=True):
    kind = mutagen.File(path)
    raw, merged = {}, {}
    if isinstance(kind, (FLAC,)):
        raw["vorbis"] = vorbis_raw(kind.tags)
        raw["pictures"] = [f"{p.type} {p.mime} {p.data.hex()}" for p in kind.pictures]
        raw["id3v2"] = id3_raw(path)
        raw["id3v1"] = id3v1_raw(path)
        # FLAC readers (mutagen, ffmpeg) show the Vorbis comment and the picture blocks; an ID3v2
        # tag in front of the stream only when there is no Vorbis comment. ID3v2 frames without a
        # Vorbis counterpart (PRIV, ...) are compared in raw.
        if kind.tags:  # an empty comment block shows nothing, like none
            merged = vorbis_merged(kind.tags)
        else:
            merged = merge(id3_merged(path), id3_merged(path, True))
            merged = {k: v for k, v in merged.items() if not k.startswith("id3:")}
        pictures = [f"{p.type} {p.mime} {p.data.hex()}" for p in kind.pictures]
        if not pictures:
            pictures = [f"{int(f.type)} {f.mime} {f.data.hex()}" for f in id3_frames(path, False)
                        if f.FrameID == "APIC"]
        for i, p in enumerate(pictures):
            merged[f"picture:{i}"] = [p]
    elif isinstance(kind, (OggVorbis, OggOpus)):
        raw["vorbis"] = vorbis_raw(kind.tags)
        merged = vorbis_merged(kind.tags)
    elif isinstance(kind, MP4):
        raw["mp4"] = mp4_raw(kind.tags or {})
        merged = mp4_merged(kind.tags or {})
    else:  # MP3 (mutagen.File may name it MP3 or fail to find a tag type)
        raw["id3v2"] = id3_raw(path)
        raw["ape"] = ape_raw(path)
        raw["id3v1"] = id3v1_raw(path)
        merged = merge(id3_merged(path), ape_merged(path), id3_merged(path, True))
    return {"raw": raw, "merged": merged, "ffprobe": ffprobe(path) if probe else {}}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "dump", "dump-tags"):
        sys.exit(__doc__)
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        print(json.dumps(dump(sys.argv[2], sys.argv[1] == "dump"), ensure_ascii=False,
                         sort_keys=True, indent=1))


if __name__ == "__main__":
    main()
