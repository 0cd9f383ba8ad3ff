#include "shared/regions.h"
