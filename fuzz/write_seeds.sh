#!/usr/bin/env bash
# Writes one valid seed input per fuzz target (the image decoder gets 15 generated images and the
# ONNX reader a small generated model) under DIR/<target>/: what scripts/test.sh's short runs and
# scripts/fuzz_long.sh start from. Generated, never committed (no binaries in the repository).
#
#   fuzz/write_seeds.sh DIR
set -euo pipefail

seeds="${1:?usage: $0 DIR}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$seeds"/{decode_fuzzer,config_fuzzer,record_fuzzer,s3_list_fuzzer,bulk_response_fuzzer,request_fuzzer} \
  "$seeds"/{multipart_fuzzer,feedback_fuzzer,onnx_fuzzer,request_fields_fuzzer,labels_fuzzer}

/usr/bin/python3 "$HERE/make_seed_corpus.py" "$seeds/decode_fuzzer" >/dev/null
printf 'listen = "127.0.0.1:8080"\n[limits]\nspool_max_mb = 64\n[backends]\nsearch_url = "http://x:9200"\n' \
  >"$seeds/config_fuzzer/1"
printf '{"kind":"request","request":{"request_id":"r1","received_at":"2026-11-28T10:00:00.000Z","user_id":"u",%s' \
  '"status":200,"face_count":1,"image":{"width":640},"faces":[{"confidence":0.9}]}}' >"$seeds/record_fuzzer/1"
printf '<?xml version="1.0"?><ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a&amp;b</Key>%s' \
  '</Contents><NextContinuationToken>t</NextContinuationToken></ListBucketResult>' >"$seeds/s3_list_fuzzer/1"
printf '{"took":1,"errors":true,"items":[{"index":{"_id":"a","status":201}},%s' \
  '{"index":{"_id":"b","status":400,"error":{"type":"x","reason":"y"}}},{"index":{"_id":"c","status":200}}]}' \
  >"$seeds/bulk_response_fuzzer/1"
# request: the first byte picks the read size; then three pipelined requests (100-continue, HTTP/1.0
# keep-alive, chunked). multipart: the Content-Type line, then the body.
printf '\x07POST /v1/detect?x=1&y=a+b HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n%b%b' \
  'helloGET /a%20b HTTP/1.0\r\nConnection: keep-alive\r\n\r\nPOST /e HTTP/1.1\r\nHost: h\r\n' \
  'Transfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n0\r\n\r\n' >"$seeds/request_fuzzer/1"
printf 'multipart/form-data; boundary=XyZ\n--XyZ\r\nContent-Disposition: form-data; name="image"; %b%b' \
  'filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xd9\r\n--XyZ\r\n' \
  'Content-Disposition: form-data; name="model"\r\n\r\nretina\r\n--XyZ--\r\n' >"$seeds/multipart_fuzzer/1"
printf '{"verdict":"partly_correct","wrong_faces":[1],"missed_faces":[{"x":1,"y":2,"width":3,"height":4}],%s' \
  '"rating":3,"comment":"ok","token":"flfb_AQ"}' >"$seeds/feedback_fuzzer/1"
# labels: a Label Studio task (the COCO reader reads the same bytes and refuses them at once).
printf '[{"data":{"request_id":"r1"},"annotations":[{"completed_by":{"email":"a@b"},"result":[{%s%s' \
  '"type":"rectanglelabels","original_width":640,"value":{"x":1,"y":2,"width":3,"height":4,' \
  '"rectanglelabels":["face"]}}],"updated_at":"2026-11-30T10:00:00Z"}]}]' >"$seeds/labels_fuzzer/1"
# request_fields: the peer selector byte, the User-Agent, NUL, X-Forwarded-For.
printf '\x00Mozilla/5.0 (X11) caf\xc3\xa9 \xff\x00203.0.113.7, 10.0.0.9' >"$seeds/request_fields_fuzzer/1"
/usr/bin/python3 "$HERE/make_onnx_seed.py" "$seeds/onnx_fuzzer" >/dev/null
