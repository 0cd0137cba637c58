#pragma once
// The S3 store and its parts (URL and credentials, SigV4, the XML of answers) live in storage/s3/;
// this header keeps the includes written before the split working.
#include "storage/s3/list_xml.hpp"
#include "storage/s3/location.hpp"
#include "storage/s3/s3_object_store.hpp"
